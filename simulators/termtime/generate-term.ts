import { seededRandom } from '../common/seeded-random.js';
import type { BookerSeed, SimBookerRoom, SimBooking } from '../booker/booker-data.js';
import type { SimActivity, SimTermTimeRoom, TermTimeSeed } from './termtime-data.js';

/**
 * One term of teaching for the TermTime and Booker simulators, deterministic for its options: the
 * same rooms and buildings in both (Booker's ids, TermTime's names and codes), activities scheduled
 * weekly in free room slots of Michaelmas 2025 (weeks 1-8 from Monday 6 October, so the clocks go
 * back within it, on Sunday 26 October), and, with `quirks`, what real data holds:
 * - two activities deliberately timetabled into one room at the same times (two cohorts);
 * - a virtual activity, an activity scheduled without a room, one in the room `None`;
 * - Booker rooms that are not bookable, a Booker room TermTime does not have yet, a room renamed
 *   in Booker, a TermTime room Booker never had, a Booker room without a floor name;
 * - Booker bookings made by someone else, one of them overlapping a TermTime event.
 * 6,000 activities in 400 rooms (48,000 events) take well under a second.
 */
export interface GenerateTermOptions {
  seed?: number;
  /** Activities in all (quirks included). Default 300. */
  activities?: number;
  /** Rooms in Booker. Default 36. */
  rooms?: number;
  /** Weekly events per activity (weeks 1..n, at most 10). Default 8. */
  weeks?: number;
  /** The special cases above. Default true; a benchmark may want only plain data. */
  quirks?: boolean;
}

export interface GeneratedTerm {
  termtime: TermTimeSeed;
  booker: BookerSeed;
  /** What the quirks are, so tests and the demo can name them. */
  quirks: {
    sharedRoomActivities: [string, string] | null;
    virtualActivity: string | null;
    roomlessActivity: string | null;
    noneRoomActivity: string | null;
    nonBookableRooms: string[];
    roomsOnlyInBooker: string[];
    renamedRooms: string[];
    roomsOnlyInTermTime: string[];
    /** Booker ids of bookings made by someone else; the first overlaps a TermTime event. */
    foreignBookings: number[];
  };
  stats: { activities: number; events: number; rooms: number; buildings: number };
}

export const TERM = { code: 'MICH25', name: 'Michaelmas 2025', startDate: '2025-10-06' } as const;
export const CAMPUS = { code: 'MAIN', name: 'Main Campus' } as const;
export const DEPARTMENT = { code: 'UNIV', name: 'University' } as const;
export const ACTIVITY_TYPES = [
  { code: 'LEC', name: 'Lecture' },
  { code: 'PRA', name: 'Practical' },
  { code: 'SEM', name: 'Seminar' },
  { code: 'TUT', name: 'Tutorial' },
] as const;
const BUILDING_NAMES = ['Arts', 'Science', 'Engineering', 'Library', 'Medical', 'Law', 'Music', 'Maths'];
const FLOORS = ['Ground Floor', 'First Floor', 'Second Floor'] as const;
const SUBJECTS = ['CHEM', 'PHYS', 'MATH', 'HIST', 'ENGL', 'ECON', 'BIOL', 'COMP', 'LAW', 'MUS'];
const DAYS = 5;
const FIRST_HOUR = 9;
const HOURS = 9; // starts from 09:00 to 17:00
const ROOMS_PER_BUILDING = 10;
export const FOREIGN_AUTHOR = 'someone.else';

export function generateTerm(options: GenerateTermOptions = {}): GeneratedTerm {
  const random = seededRandom(options.seed ?? 1);
  const activityCount = Math.max(0, Math.trunc(options.activities ?? 300));
  const roomCount = Math.max(1, Math.trunc(options.rooms ?? 36));
  const weeks = Math.min(10, Math.max(1, Math.trunc(options.weeks ?? 8)));
  const quirks = options.quirks ?? true;

  // Buildings and rooms, the same in both systems.
  const buildingCount = Math.ceil(roomCount / ROOMS_PER_BUILDING);
  const buildings = Array.from({ length: buildingCount }, (_, i) => ({
    code: `B${String(i + 1).padStart(2, '0')}`,
    name: `${BUILDING_NAMES[i % BUILDING_NAMES.length]} Building${i >= BUILDING_NAMES.length ? ` ${Math.floor(i / BUILDING_NAMES.length) + 1}` : ''}`,
  }));
  const bookerRooms: SimBookerRoom[] = Array.from({ length: roomCount }, (_, i) => {
    const building = buildings[Math.floor(i / ROOMS_PER_BUILDING)];
    const floor = FLOORS[random.int(0, FLOORS.length - 1)];
    return {
      OptimeIndex: 1000 + i,
      Code: `${building.code}-${String((i % ROOMS_PER_BUILDING) + 1).padStart(3, '0')}`,
      Name: `${building.name} Room ${(i % ROOMS_PER_BUILDING) + 1}`,
      BuildingOptimeIndex: 100 + Math.floor(i / ROOMS_PER_BUILDING),
      FloorName: floor,
      Capacity: random.pick([20, 30, 40, 60, 80, 120, 200, 300]),
      RoomType: random.pick(['Lecture Theatre', 'Seminar Room', 'Laboratory']),
      IsBookable: true,
    };
  });
  const names = { nonBookable: [] as string[], onlyInBooker: [] as string[], renamed: [] as string[] };
  if (quirks && roomCount >= 8) {
    for (const index of [roomCount - 1, roomCount - 2]) {
      bookerRooms[index].IsBookable = false;
      names.nonBookable.push(bookerRooms[index].Code);
    }
    bookerRooms[roomCount - 3].FloorName = null;
    names.onlyInBooker.push(bookerRooms[roomCount - 3].Code);
    names.renamed.push(bookerRooms[roomCount - 4].Code);
  }

  // TermTime: campus, buildings, floors and the rooms it knows already.
  const floorCode = (buildingCode: string, floor: string) =>
    `${buildingCode}-${floor === 'Ground Floor' ? 'G' : floor === 'First Floor' ? '1' : '2'}`;
  const termTimeRooms: SimTermTimeRoom[] = bookerRooms
    .filter((room) => !names.onlyInBooker.includes(room.Code))
    .map((room) => ({
      code: room.Code,
      name: names.renamed.includes(room.Code) ? `${room.Name} (old name)` : room.Name,
      floorCode: floorCode(room.Code.slice(0, 3), room.FloorName ?? 'Ground Floor'),
      departmentCode: DEPARTMENT.code,
      capacities: [{ typeCode: 'LEC', cap: room.Capacity ?? 0 }],
      toDelete: false,
    }));
  const onlyInTermTime: string[] = [];
  if (quirks && roomCount >= 8) {
    termTimeRooms.push({
      code: `${buildings[0].code}-TT1`,
      name: 'Timetabling Office Room',
      floorCode: floorCode(buildings[0].code, 'Ground Floor'),
      departmentCode: DEPARTMENT.code,
      capacities: [],
      toDelete: false,
    });
    onlyInTermTime.push(`${buildings[0].code}-TT1`);
  }

  // Activities in free slots of rooms both systems know and Booker lets us book.
  const usable = bookerRooms.filter(
    (room) =>
      room.IsBookable && !names.onlyInBooker.includes(room.Code) && !names.renamed.includes(room.Code),
  );
  const busy = new Map(usable.map((room) => [room.Code, new Uint8Array(DAYS * HOURS)]));
  const special = quirks && activityCount >= 8 ? 4 : 0;
  const activities: SimActivity[] = [];
  const slotOf = new Map<string, { room: string; day: number; hour: number; length: number }>();
  for (let i = 0; i < activityCount - special; i++) {
    const type = random.pick(ACTIVITY_TYPES);
    const length = type.code === 'PRA' ? 2 : 1;
    const slot = findSlot(usable, busy, i, length, random.int(0, DAYS * HOURS - 1));
    if (slot === null) break; // the rooms are full: fewer activities than asked
    const subject = SUBJECTS[i % SUBJECTS.length];
    const code = `${subject}${100 + Math.floor(i / SUBJECTS.length)}-${type.code}-${String(i + 1).padStart(5, '0')}`;
    slotOf.set(code, slot);
    const room = usable.find((r) => r.Code === slot.room);
    activities.push(
      activity(code, `${subject} ${type.name} ${i + 1}`, type.code, [slot.room], {
        size: Math.min(room?.Capacity ?? 30, random.int(8, 300)),
        subject,
        slot,
        weeks,
      }),
    );
  }
  const quirkNames = {
    shared: null as [string, string] | null,
    virtual: null as string | null,
    roomless: null as string | null,
    none: null as string | null,
  };
  if (special > 0 && activities.length > 0) {
    const first = activities[0];
    const slot = slotOf.get(first.code) as { room: string; day: number; hour: number; length: number };
    const shared = activity(`${first.code}-B`, `${first.name} (second cohort)`, first.typeCode, [slot.room], {
      size: 12,
      subject: first.moduleCode,
      slot,
      weeks,
    });
    const free = { room: '', day: 2, hour: 5, length: 1 };
    const virtual = {
      ...activity('ONLINE-LEC-00001', 'Online lecture', 'LEC', [], {
        size: 200,
        subject: 'COMP',
        slot: free,
        weeks,
      }),
      virtual: true,
    };
    const roomless = activity('HIST-SEM-NOROOM', 'History seminar (room to be found)', 'SEM', [], {
      size: 15,
      subject: 'HIST',
      slot: free,
      weeks,
    });
    const none = activity('ENGL-TUT-NONE', 'English tutorial (room None)', 'TUT', ['None'], {
      size: 6,
      subject: 'ENGL',
      slot: free,
      weeks,
    });
    activities.push(shared, virtual, roomless, none);
    quirkNames.shared = [first.code, shared.code];
    quirkNames.virtual = virtual.code;
    quirkNames.roomless = roomless.code;
    quirkNames.none = none.code;
  }

  // Bookings someone else made in Booker: evenings, a non-bookable room, and one in our way.
  const bookings: SimBooking[] = [];
  if (quirks && activities.length > 1 && usable.length > 1) {
    const foreign = (
      room: SimBookerRoom,
      date: string,
      start: string,
      end: string,
      title: string,
      ref: string | null,
    ) =>
      bookings.push({
        OptimeIndex: 500_001 + bookings.length,
        RoomOptimeIndex: room.OptimeIndex,
        StartTime: londonInstant(date, start),
        EndTime: londonInstant(date, end),
        Title: title,
        Description: 'Booked in Booker by hand',
        ExternalReference: ref,
        ExpectedAttendees: 25,
        BookingType: 'Meeting',
        Status: 'Confirmed',
        CreatedBy: FOREIGN_AUTHOR,
      });
    const target = activities[1];
    const event = target.events[1] ?? target.events[0];
    const targetRoom = usable.find((room) => room.Code === target.scheduledRooms[0]) as SimBookerRoom;
    foreign(targetRoom, event.date, event.startTime, event.endTime, 'Departmental away day', null);
    foreign(usable[0], '2025-10-08', '18:00', '19:30', 'Chemistry society meeting', 'SOC-CHEM-2025-10');
    foreign(usable[1], '2025-11-12', '18:30', '20:00', 'Open evening', null);
    if (names.nonBookable.length > 0) {
      const room = bookerRooms.find((r) => r.Code === names.nonBookable[0]) as SimBookerRoom;
      foreign(room, '2025-10-15', '10:00', '12:00', 'Estates maintenance', 'EST-4471');
    }
  }

  return {
    termtime: {
      campuses: [{ ...CAMPUS }],
      buildings: buildings.map((b) => ({ ...b, campusCode: CAMPUS.code })),
      floors: buildings.flatMap((b) =>
        FLOORS.map((floor) => ({ code: floorCode(b.code, floor), name: floor, buildingCode: b.code })),
      ),
      departments: [{ ...DEPARTMENT }],
      activityTypes: ACTIVITY_TYPES.map((type) => ({ ...type })),
      rooms: termTimeRooms,
      timeframes: [
        {
          code: TERM.code,
          name: TERM.name,
          firstWeek: 1,
          lastWeek: weeks,
          startDate: TERM.startDate,
          endDate: addDays(TERM.startDate, weeks * 7 - 1),
        },
      ],
      activities,
    },
    booker: {
      buildings: buildings.map((b, i) => ({
        OptimeIndex: 100 + i,
        Code: b.code,
        Name: b.name,
        SiteName: CAMPUS.name,
      })),
      rooms: bookerRooms,
      bookings,
    },
    quirks: {
      sharedRoomActivities: quirkNames.shared,
      virtualActivity: quirkNames.virtual,
      roomlessActivity: quirkNames.roomless,
      noneRoomActivity: quirkNames.none,
      nonBookableRooms: names.nonBookable,
      roomsOnlyInBooker: names.onlyInBooker,
      renamedRooms: names.renamed,
      roomsOnlyInTermTime: onlyInTermTime,
      foreignBookings: bookings.map((b) => b.OptimeIndex),
    },
    stats: {
      activities: activities.length,
      events: activities.reduce((sum, a) => sum + a.events.length, 0),
      rooms: bookerRooms.length,
      buildings: buildings.length,
    },
  };
}

/** A free run of `length` hours in one day of some room, trying rooms round-robin from `index`. */
function findSlot(
  rooms: readonly SimBookerRoom[],
  busy: Map<string, Uint8Array>,
  index: number,
  length: number,
  startAt: number,
): { room: string; day: number; hour: number; length: number } | null {
  for (let r = 0; r < rooms.length; r++) {
    const room = rooms[(index + r) % rooms.length];
    const grid = busy.get(room.Code) as Uint8Array;
    for (let s = 0; s < DAYS * HOURS; s++) {
      const slot = (startAt + s) % (DAYS * HOURS);
      const day = Math.floor(slot / HOURS);
      const hour = slot % HOURS;
      if (hour + length > HOURS) continue;
      let free = true;
      for (let h = 0; h < length; h++) if (grid[day * HOURS + hour + h] !== 0) free = false;
      if (!free) continue;
      for (let h = 0; h < length; h++) grid[day * HOURS + hour + h] = 1;
      return { room: room.Code, day, hour, length };
    }
  }
  return null;
}

function activity(
  code: string,
  name: string,
  typeCode: string,
  rooms: string[],
  at: { size: number; subject: string; slot: { day: number; hour: number; length: number }; weeks: number },
): SimActivity {
  const start = `${String(FIRST_HOUR + at.slot.hour).padStart(2, '0')}:00`;
  const end = `${String(FIRST_HOUR + at.slot.hour + at.slot.length).padStart(2, '0')}:00`;
  return {
    code,
    name,
    typeCode,
    size: at.size,
    virtual: false,
    ready: true,
    scheduledRooms: rooms,
    departmentCode: DEPARTMENT.code,
    moduleCode: at.subject,
    timeframe: TERM.code,
    events: Array.from({ length: at.weeks }, (_, w) => ({
      uniqueId: `${code}-${w + 1}`,
      date: addDays(TERM.startDate, w * 7 + at.slot.day),
      startTime: start,
      endTime: end,
      week: w + 1,
    })),
  };
}

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/**
 * `2025-10-20T09:00:00+01:00` for a Europe/London wall-clock time (British Summer Time from the last
 * Sunday of March to the last Sunday of October, changing at 01:00 UTC).
 */
export function londonInstant(date: string, time: string): string {
  const year = Number(date.slice(0, 4));
  const lastSunday = (month: number) => {
    const last = new Date(Date.UTC(year, month + 1, 0));
    return Date.UTC(year, month, last.getUTCDate() - last.getUTCDay(), 1);
  };
  const asUtc = Date.parse(`${date}T${time}:00Z`);
  const summer = asUtc - 3_600_000 >= lastSunday(2) && asUtc - 3_600_000 < lastSunday(9);
  return `${date}T${time}:00${summer ? '+01:00' : '+00:00'}`;
}
