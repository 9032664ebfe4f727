import { createHash } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import {
  desiredBookings,
  type DesiredOptions,
  hashRequest,
  referenceOf,
  REFERENCE_PREFIX,
  roomIdOf,
} from './desired-bookings.util.js';
import type { BookerRoomLike, TermTimeActivityLike } from './events.types.js';

const rooms: BookerRoomLike[] = [
  { id: 11, code: 'SCI-101', bookable: true },
  { id: 12, code: 'SCI-102', bookable: true },
  { id: 13, code: 'OLD-1', bookable: false },
];

const options: DesiredOptions = {
  bookingTypes: { Lecture: 'LEC', '*': 'TEACH' },
  mergeSharedRooms: false,
  window: { start: '2025-09-01', end: '2026-06-30' },
};

function activity(overrides: Partial<TermTimeActivityLike> = {}): TermTimeActivityLike {
  return {
    code: 'CHEM101-LEC-01',
    name: 'Chemistry lecture',
    type: 'Lecture',
    size: 112,
    virtual: false,
    scheduled: true,
    scheduledRooms: ['SCI-101'],
    events: [{ uniqueId: 'E1', date: '2025-10-20', startTime: '09:00', endTime: '10:00' }],
    ...overrides,
  };
}

describe('desiredBookings', () => {
  it('makes one booking per event per room, converted from London time', () => {
    const result = desiredBookings([activity({ scheduledRooms: ['SCI-101', 'SCI-102'] })], rooms, options);
    expect(result.skipped).toEqual([]);
    expect(result.eventsInRooms).toBe(2);
    expect(result.bookings.map((b) => b.request)).toEqual([
      {
        roomId: 11,
        start: '2025-10-20T09:00:00+01:00',
        end: '2025-10-20T10:00:00+01:00',
        title: 'Chemistry lecture',
        description: 'TermTime activity CHEM101-LEC-01; event E1',
        externalReference: 'termtime:E1@SCI-101',
        expectedAttendees: 112,
        bookingType: 'LEC',
      },
      expect.objectContaining({ roomId: 12, externalReference: 'termtime:E1@SCI-102' }),
    ]);
  });

  it('books a room listed twice once per event, with the size counted once', () => {
    const result = desiredBookings([activity({ scheduledRooms: ['SCI-101', 'SCI-101'] })], rooms, options);
    expect(result.bookings).toHaveLength(1);
    expect(result.eventsInRooms).toBe(1);
    expect(result.bookings[0]?.request).toMatchObject({
      externalReference: 'termtime:E1@SCI-101',
      expectedAttendees: 112,
      description: 'TermTime activity CHEM101-LEC-01; event E1',
    });
  });

  it('uses the events of the week after the autumn change in GMT', () => {
    const result = desiredBookings(
      [activity({ events: [{ uniqueId: 'E2', date: '2025-10-27', startTime: '09:00', endTime: '10:00' }] })],
      rooms,
      options,
    );
    expect(result.bookings[0]?.request.start).toBe('2025-10-27T09:00:00+00:00');
  });

  it('maps types through the table, with * as the default', () => {
    const result = desiredBookings([activity({ type: 'Seminar' })], rooms, options);
    expect(result.bookings[0]?.request.bookingType).toBe('TEACH');
  });

  type SkipCase = [string, Partial<TermTimeActivityLike>, DesiredOptions, string];
  const skips: SkipCase[] = [
    ['virtual activities', { virtual: true }, options, 'virtual'],
    ['events without a room', { scheduledRooms: [] }, options, 'no_room'],
    ['the room code None', { scheduledRooms: ['None'] }, options, 'room_none'],
    ['rooms Booker does not have', { scheduledRooms: ['NOPE'] }, options, 'unknown_room'],
    ['rooms that are not bookable', { scheduledRooms: ['OLD-1'] }, options, 'room_not_bookable'],
    [
      'types with no booking type',
      { type: 'Exam' },
      { ...options, bookingTypes: { Lecture: 'LEC' } },
      'unmapped_type',
    ],
    [
      'events outside the window',
      { events: [{ uniqueId: 'E9', date: '2026-07-01', startTime: '09:00', endTime: '10:00' }] },
      options,
      'outside_window',
    ],
    [
      'events that end before they start',
      { events: [{ uniqueId: 'E9', date: '2025-10-20', startTime: '10:00', endTime: '09:00' }] },
      options,
      'bad_time',
    ],
    [
      'events with unreadable times',
      { events: [{ uniqueId: 'E9', date: '20/10/2025', startTime: '10:00', endTime: '11:00' }] },
      { ...options, window: { start: '', end: '~' } },
      'bad_time',
    ],
  ];
  it.each(skips)('skips and counts %s', (_name, overrides, opts, reason) => {
    const result = desiredBookings([activity(overrides)], rooms, opts);
    expect(result.bookings).toEqual([]);
    expect(result.skipped.map((skip) => skip.reason)).toEqual([reason]);
  });

  // The DST weeks: 2025's clocks go forward on Sunday 30 March (01:00-02:00 does not exist) and
  // back on Sunday 26 October (01:00-02:00 happens twice; its first, summer reading is taken).
  const wholeYear: DesiredOptions = { ...options, window: { start: '2025-01-01', end: '2025-12-31' } };
  type DstCase = [string, string, string, string, { start: string; end: string } | RegExp];
  const dst: DstCase[] = [
    [
      'the spring Monday, in summer time',
      '2025-03-31',
      '09:00',
      '10:00',
      {
        start: '2025-03-31T09:00:00+01:00',
        end: '2025-03-31T10:00:00+01:00',
      },
    ],
    [
      'the spring Saturday, in GMT',
      '2025-03-29',
      '09:00',
      '10:00',
      {
        start: '2025-03-29T09:00:00+00:00',
        end: '2025-03-29T10:00:00+00:00',
      },
    ],
    [
      'across the spring change: an hour on the clock is none',
      '2025-03-30',
      '00:30',
      '02:30',
      {
        start: '2025-03-30T00:30:00+00:00',
        end: '2025-03-30T02:30:00+01:00',
      },
    ],
    [
      'starting in the skipped hour: read an hour later',
      '2025-03-30',
      '01:30',
      '03:00',
      {
        start: '2025-03-30T02:30:00+01:00',
        end: '2025-03-30T03:00:00+01:00',
      },
    ],
    [
      'the whole skipped hour',
      '2025-03-30',
      '01:00',
      '02:00',
      /^local time does not exist: clocks go forward on 2025-03-30, from 01:00 straight to 02:00 \(01:00 is in that hour\)/,
    ],
    [
      'ending in the skipped hour',
      '2025-03-30',
      '00:30',
      '01:30',
      // 00:30 GMT to 01:30 read as 02:30 BST: one hour, booked (the rule is Temporal's compatible).
      { start: '2025-03-30T00:30:00+00:00', end: '2025-03-30T02:30:00+01:00' },
    ],
    [
      'inside the skipped hour, to its end',
      '2025-03-30',
      '01:30',
      '02:00',
      /^local time does not exist: clocks go forward .*\(01:30 is in that hour\), so 01:30-02:00 is no time that day$/,
    ],
    [
      'the autumn Saturday, in summer time',
      '2025-10-25',
      '09:00',
      '10:00',
      {
        start: '2025-10-25T09:00:00+01:00',
        end: '2025-10-25T10:00:00+01:00',
      },
    ],
    [
      'the repeated hour: its summer reading',
      '2025-10-26',
      '01:00',
      '02:00',
      {
        start: '2025-10-26T01:00:00+01:00',
        end: '2025-10-26T02:00:00+00:00',
      },
    ],
    [
      'the autumn Monday, in GMT',
      '2025-10-27',
      '09:00',
      '10:00',
      {
        start: '2025-10-27T09:00:00+00:00',
        end: '2025-10-27T10:00:00+00:00',
      },
    ],
  ];
  it.each(dst)('in the DST weeks, %s (%s %s-%s)', (_name, date, startTime, endTime, expected) => {
    const result = desiredBookings(
      [activity({ events: [{ uniqueId: 'E5', date, startTime, endTime }] })],
      rooms,
      wholeYear,
    );
    if (expected instanceof RegExp) {
      expect(result.bookings).toEqual([]);
      expect(result.skipped).toEqual([
        expect.objectContaining({
          reason: 'bad_time',
          eventId: 'E5',
          detail: expect.stringMatching(expected),
        }),
      ]);
      return;
    }
    expect(result.skipped).toEqual([]);
    expect(result.bookings).toHaveLength(1);
    expect(result.bookings[0]?.request).toMatchObject(expected);
  });

  it('still says "ends before it starts" of an ordinary backwards event', () => {
    const result = desiredBookings(
      [activity({ events: [{ uniqueId: 'E9', date: '2025-03-30', startTime: '10:00', endTime: '09:00' }] })],
      rooms,
      wholeYear,
    );
    expect(result.skipped[0]?.detail).toBe('ends (09:00) before it starts (10:00)');
  });

  it('keeps shared-room events apart unless merging is on', () => {
    const cohorts = [
      activity({ code: 'A', name: 'Cohort A', size: 30 }),
      activity({
        code: 'B',
        name: 'Cohort B',
        size: 40,
        events: [{ uniqueId: 'E7', date: '2025-10-20', startTime: '09:00', endTime: '10:00' }],
      }),
    ];
    expect(desiredBookings(cohorts, rooms, options).bookings).toHaveLength(2);
    const merged = desiredBookings(cohorts, rooms, { ...options, mergeSharedRooms: true });
    expect(merged.bookings).toHaveLength(1);
    expect(merged.eventsInRooms).toBe(2);
    expect(merged.bookings[0]?.request).toMatchObject({
      title: 'Cohort A / Cohort B',
      externalReference: 'termtime:E1+E7@SCI-101',
      expectedAttendees: 70,
      description: 'TermTime activities A, B; events E1, E7',
    });
    expect(merged.bookings[0]?.members.map((m) => m.activityCode)).toEqual(['A', 'B']);
  });

  it('gives the room of a merged booking as its request names it', () => {
    const cohorts = [
      activity({ code: 'A' }),
      activity({ code: 'B', scheduledRooms: ['SCI-102', 'SCI-101'] }),
    ];
    const merged = desiredBookings(cohorts, rooms, { ...options, mergeSharedRooms: true }).bookings;
    expect(merged.map(roomIdOf)).toEqual(merged.map((booking) => booking.request.roomId));
    expect(merged.map(roomIdOf).sort()).toEqual([11, 12]);
  });

  it('does not merge events at different times in one room', () => {
    const merged = desiredBookings(
      [
        activity({ code: 'A' }),
        activity({
          code: 'B',
          events: [{ uniqueId: 'E7', date: '2025-10-20', startTime: '09:30', endTime: '10:30' }],
        }),
      ],
      rooms,
      { ...options, mergeSharedRooms: true },
    );
    expect(merged.bookings).toHaveLength(2);
  });

  it('keeps references within 255 characters for large merged groups', () => {
    const ids = Array.from({ length: 40 }, (_, i) => `EVENT-WITH-A-LONG-ID-${i}`);
    const reference = referenceOf(ids, 'SCI-101');
    expect(reference.length).toBeLessThanOrEqual(255);
    expect(reference.startsWith(REFERENCE_PREFIX)).toBe(true);
    expect(reference).toBe(referenceOf(ids, 'SCI-101'));
  });

  it('changes the hash when what is sent changes, not otherwise', () => {
    const a = desiredBookings([activity()], rooms, options).bookings[0];
    const b = desiredBookings([activity()], rooms, options).bookings[0];
    const c = desiredBookings([activity({ size: 113 })], rooms, options).bookings[0];
    expect(a?.hash).toBe(b?.hash);
    expect(a?.hash).not.toBe(c?.hash);
  });

  it('hashes the request it makes when asked for, and stores as the plain booking (one event per room)', () => {
    const long = 'Lecture '.repeat(40);
    const result = desiredBookings(
      [
        activity(),
        activity({ code: 'L', name: long, scheduledRooms: ['SCI-101', 'SCI-102'] }),
        activity({
          code: 'X'.repeat(300),
          events: [
            { uniqueId: `E-${'9'.repeat(300)}`, date: '2025-10-27', startTime: '09:00', endTime: '10:00' },
          ],
        }),
      ],
      rooms,
      options,
    );
    expect(result.bookings).toHaveLength(4);
    for (const booking of result.bookings) {
      const { request } = booking;
      // Made once: every reader (a write, its audit row, a summary) sees the same request.
      expect(booking.request).toBe(request);
      expect(booking.hash).toBe(hashRequest(request));
      // The hash the link table holds: of these fields, in this order (a change would update every booking).
      const fields = [
        request.roomId,
        request.start,
        request.end,
        request.title,
        request.description,
        request.externalReference,
        request.expectedAttendees,
        request.bookingType,
      ];
      expect(booking.hash).toBe(
        createHash('sha256').update(JSON.stringify(fields)).digest('hex').slice(0, 32),
      );
      expect(request.externalReference).toBe(booking.reference);
      expect(roomIdOf(booking)).toBe(request.roomId);
      expect(request.title.length).toBeLessThanOrEqual(200);
      expect(JSON.parse(JSON.stringify(booking))).toEqual({
        reference: booking.reference,
        request,
        hash: booking.hash,
        startMs: booking.startMs,
        endMs: booking.endMs,
        members: booking.members,
      });
      expect(Object.keys(JSON.parse(JSON.stringify(booking)))).toEqual([
        'reference',
        'request',
        'hash',
        'startMs',
        'endMs',
        'members',
      ]);
    }
  });
});
