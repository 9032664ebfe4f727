import {
  minutesBetween,
  type SimActivity,
  type SimActivityType,
  type SimBuilding,
  type SimCampus,
  type SimDepartment,
  type SimFloor,
  type SimTermTimeRoom,
  type SimTimeframe,
} from './termtime-data.js';

/**
 * TermTime's wire format (API 7.7) built from the simulator's data: short field names, 0/1 flags,
 * CSV strings beside their `.json` array twins, every field the reference lists for the objects
 * essm-sync reads (empty where the simulator has no data for it).
 */

/** TermTime counts activity durations in slots; this simulator's slots are 30 minutes. */
export const SLOT_MINUTES = 30;

export interface RoomPlace {
  floor: SimFloor;
  building: SimBuilding;
  campus: SimCampus;
}

export function wireRoom(
  room: SimTermTimeRoom,
  place: RoomPlace,
  department: SimDepartment | undefined,
  types: ReadonlyMap<string, SimActivityType>,
): Record<string, unknown> {
  return {
    c: room.code,
    n: room.name,
    d: { c: room.departmentCode, n: department?.name ?? room.departmentCode },
    f: {
      n: place.floor.name,
      fc: place.floor.code,
      b: place.building.name,
      bc: place.building.code,
      c: place.campus.name,
      cc: place.campus.code,
    },
    rc: room.capacities.map((capacity) => ({
      type: types.get(capacity.typeCode)?.name ?? capacity.typeCode,
      code: capacity.typeCode,
      cap: capacity.cap,
    })),
    pool: '',
    user1: '',
    user2: '',
    user3: '',
    userFields: [],
    blockedRooms: [],
    capabilities: '',
    'capabilities.json': [],
    sr: '',
    toDelete: room.toDelete ? 1 : 0,
  };
}

export function wireBuilding(building: SimBuilding, campus: SimCampus, floors: readonly SimFloor[]) {
  return { n: building.name, code: building.code, cn: campus.name, fn: floors.map((floor) => floor.name) };
}

export function wireFloor(floor: SimFloor, building: SimBuilding, campus: SimCampus) {
  return { n: floor.name, code: floor.code, bn: building.name, cn: campus.name };
}

export function wireCampus(campus: SimCampus) {
  return { n: campus.name, code: campus.code };
}

export function wireTimeframe(timeframe: SimTimeframe) {
  return {
    c: timeframe.code,
    n: timeframe.name,
    f: timeframe.firstWeek,
    l: timeframe.lastWeek,
    fDate: timeframe.startDate,
    lDate: timeframe.endDate,
  };
}

export function wireActivity(
  activity: SimActivity,
  type: SimActivityType | undefined,
): Record<string, unknown> {
  const weeks = [...new Set(activity.events.map((event) => event.week))].sort((a, b) => a - b);
  const first = activity.events[0];
  const durationMinutes = first === undefined ? 0 : minutesBetween(first.startTime, first.endTime);
  const rooms = activity.scheduledRooms;
  return {
    code: activity.code,
    name: activity.name,
    friendlyName: activity.name,
    description: '',
    type: type?.name ?? activity.typeCode,
    duration: Math.ceil(durationMinutes / SLOT_MINUTES),
    events: activity.events.map((event) => ({
      uniqueId: event.uniqueId,
      date: event.date,
      startTime: event.startTime,
      endTime: event.endTime,
      activityDurationMins: minutesBetween(event.startTime, event.endTime),
      week: event.week,
    })),
    scheduled: activity.events.length > 0 ? 1 : 0,
    scheduledRooms: rooms,
    weekPattern: weekPattern(weeks),
    timeframe: activity.timeframe,
    isoweeks: [...new Set(activity.events.map((event) => isoWeek(event.date)))].join(','),
    ready: activity.ready ? 1 : 0,
    virtual: activity.virtual ? 1 : 0,
    meetingRequired: 0,
    optional: 0,
    staffPublished: 1,
    studentPublished: 1,
    planSize: activity.size,
    size: activity.size,
    fixedRooms: rooms.join(','),
    'fixedRooms.json': rooms,
    capabilities: '',
    'capabilities.json': [],
    tags: '',
    'tags.json': [],
    staff: '',
    'staff.json': [],
    staffObjects: [],
    academics: [],
    studentGroups: '',
    'studentGroups.json': [],
    studentObjects: [],
    moduleCode: activity.moduleCode,
    departmentCode: activity.departmentCode,
    exceptions: [],
    repeats: [],
    colocatedActivities: [],
  };
}

/** `1-8,10` from sorted week numbers. */
export function weekPattern(weeks: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < weeks.length;) {
    let j = i;
    while (j + 1 < weeks.length && weeks[j + 1] === weeks[j] + 1) j++;
    parts.push(i === j ? String(weeks[i]) : `${weeks[i]}-${weeks[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}

/** ISO 8601 week of a `YYYY-MM-DD` date: `2025-W43`. */
export function isoWeek(date: string): string {
  const day = new Date(`${date}T00:00:00Z`);
  const weekday = (day.getUTCDay() + 6) % 7;
  const thursday = new Date(day.getTime() + (3 - weekday) * 86_400_000);
  const yearStart = Date.UTC(thursday.getUTCFullYear(), 0, 1);
  const week = 1 + Math.floor((thursday.getTime() - yearStart) / (7 * 86_400_000));
  return `${thursday.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}
