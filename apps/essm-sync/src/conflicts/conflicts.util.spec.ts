import { describe, expect, it } from '@jest/globals';
import { desiredBookings } from '../timetable/desired-bookings.util.js';
import type { BookerBookingLike, TermTimeActivityLike } from '../timetable/events.types.js';
import { conflictKey, findConflicts, termtimeOverlaps } from './conflicts.util.js';

const rooms = [
  { id: 11, code: 'R1', bookable: true },
  { id: 12, code: 'R2', bookable: true },
];

function act(
  code: string,
  room: string,
  start: string,
  end: string,
  date = '2025-10-20',
): TermTimeActivityLike {
  return {
    code,
    name: `Activity ${code}`,
    type: 'Lecture',
    size: 10,
    scheduled: true,
    virtual: false,
    scheduledRooms: [room],
    events: [{ uniqueId: `${code}-1`, date, startTime: start, endTime: end }],
  };
}

function desired(activities: TermTimeActivityLike[], merge = false) {
  return desiredBookings(activities, rooms, {
    bookingTypes: { '*': 'T' },
    mergeSharedRooms: merge,
    window: { start: '2025-01-01', end: '2026-12-31' },
  }).bookings;
}

function theirs(
  id: number,
  room: number,
  start: string,
  end: string,
  overrides: Partial<BookerBookingLike> = {},
) {
  return {
    id: id,
    roomId: room,
    start: start,
    end: end,
    title: `Booking ${id}`,
    externalReference: null,
    status: 'Confirmed' as const,
    ...overrides,
  };
}

type Case = {
  name: string;
  activities: TermTimeActivityLike[];
  bookings?: BookerBookingLike[];
  merge?: boolean;
  expected: string[];
};

const cases: Case[] = [
  {
    name: 'no overlap',
    activities: [act('A', 'R1', '09:00', '10:00'), act('B', 'R1', '10:00', '11:00')],
    expected: [],
  },
  {
    name: 'overlap in one room',
    activities: [act('A', 'R1', '09:00', '10:00'), act('B', 'R1', '09:30', '10:30')],
    expected: ['tt:termtime:A-1@R1|termtime:B-1@R1'],
  },
  {
    name: 'same times, different rooms',
    activities: [act('A', 'R1', '09:00', '10:00'), act('B', 'R2', '09:00', '10:00')],
    expected: [],
  },
  {
    name: 'a shared room with the same times, not merged: a conflict',
    activities: [act('A', 'R1', '09:00', '10:00'), act('B', 'R1', '09:00', '10:00')],
    expected: ['tt:termtime:A-1@R1|termtime:B-1@R1'],
  },
  {
    name: 'a shared room with the same times, merged: one booking, no conflict',
    activities: [act('A', 'R1', '09:00', '10:00'), act('B', 'R1', '09:00', '10:00')],
    merge: true,
    expected: [],
  },
  {
    name: 'a Booker booking that is not ours overlaps',
    activities: [act('A', 'R1', '09:00', '10:00')],
    bookings: [theirs(900, 11, '2025-10-20T09:30:00+01:00', '2025-10-20T11:00:00+01:00')],
    expected: ['bk:termtime:A-1@R1|900'],
  },
  {
    name: 'overlap across the autumn change is found in instants',
    activities: [act('A', 'R1', '01:30', '02:30', '2025-10-26')],
    // 01:30+01:00 is 00:30Z; a booking from 01:00Z to 01:15Z is inside 00:30Z..02:30Z.
    bookings: [theirs(901, 11, '2025-10-26T01:00:00Z', '2025-10-26T01:15:00Z')],
    expected: ['bk:termtime:A-1@R1|901'],
  },
  {
    name: 'a cancelled booking or one of ours is no conflict',
    activities: [act('A', 'R1', '09:00', '10:00')],
    bookings: [
      theirs(902, 11, '2025-10-20T09:00:00+01:00', '2025-10-20T10:00:00+01:00', {
        status: 'Cancelled' as const,
      }),
      theirs(903, 11, '2025-10-20T09:00:00+01:00', '2025-10-20T10:00:00+01:00', {
        externalReference: 'termtime:A-1@R1',
      }),
    ],
    expected: [],
  },
];

describe('findConflicts', () => {
  it.each(cases)('$name', (c) => {
    const report = findConflicts(desired(c.activities, c.merge), c.bookings ?? []);
    expect(report.conflicts.map(conflictKey)).toEqual(c.expected);
  });

  it('names both sides', () => {
    const report = findConflicts(desired([act('A', 'R1', '09:00', '10:00')]), [
      theirs(900, 11, '2025-10-20T09:30:00+01:00', '2025-10-20T11:00:00+01:00'),
    ]);
    expect(report.conflicts[0]).toEqual({
      kind: 'booker_overlap',
      roomCode: 'R1',
      event: {
        reference: 'termtime:A-1@R1',
        start: '2025-10-20T09:00:00+01:00',
        end: '2025-10-20T10:00:00+01:00',
        events: [{ activityCode: 'A', activityName: 'Activity A', eventId: 'A-1' }],
      },
      booking: {
        bookingId: 900,
        title: 'Booking 900',
        start: '2025-10-20T09:30:00+01:00',
        end: '2025-10-20T11:00:00+01:00',
      },
    });
    expect(report.counts).toEqual({ termtimeOverlaps: 0, bookerOverlaps: 1 });
  });

  it('finds every overlapping pair in a room, in sweep order, as a pairwise look does (seeded)', () => {
    let seed = 20_261_126;
    const random = () => {
      seed = (seed * 48_271) % 2_147_483_647;
      return seed / 2_147_483_647;
    };
    const time = (minutes: number) =>
      `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
    for (let round = 0; round < 50; round += 1) {
      const activities = Array.from({ length: 30 }, (_, i) => {
        const start = 8 * 60 + Math.floor(random() * 20) * 15;
        const end = start + 15 * (1 + Math.floor(random() * 8));
        return act(`A${i}`, random() < 0.5 ? 'R1' : 'R2', time(start), time(end));
      });
      const bookings = desired(activities);
      // Per room, sorted by start then end (stably), each booking with each earlier one still open.
      const expected: string[] = [];
      for (const room of [11, 12]) {
        const sorted = bookings
          .filter((booking) => booking.request.roomId === room)
          .sort((a, b) => a.startMs - b.startMs || a.endMs - b.endMs);
        for (let j = 0; j < sorted.length; j += 1) {
          for (let i = 0; i < j; i += 1) {
            if (sorted[i].endMs > sorted[j].startMs) {
              expected.push(`tt:${sorted[i].reference}|${sorted[j].reference}`);
            }
          }
        }
      }
      const roomOrder = (key: string) => (key.includes('@R1|') ? 0 : 1);
      const found = termtimeOverlaps(bookings).map(conflictKey);
      // Rooms come in the order they were first met; within a room, the sweep's order.
      expect([...found].sort((a, b) => roomOrder(a) - roomOrder(b))).toEqual(
        [...expected].sort((a, b) => roomOrder(a) - roomOrder(b)),
      );
    }
  });
});
