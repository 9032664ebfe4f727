import { describe, expect, it } from '@jest/globals';
import { desiredBookings } from '../timetable/desired-bookings.util.js';
import type { BookerBookingLike, TermTimeActivityLike } from '../timetable/events.types.js';
import { conflictKey, findConflicts } from './conflicts.util.js';

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
});
