import { describe, expect, it } from '@jest/globals';
import { hashRequest } from '../timetable/desired-bookings.util.js';
import {
  bookingsInTheWay,
  cancellationRefusal,
  eventChangeKey,
  type EventsPlan,
  planEvents,
  planEventsFromIndex,
  strayCandidates,
} from './events-plan.util.js';
import { findConflicts } from '../conflicts/conflicts.util.js';
import { isActive, isOurs } from '../timetable/ownership.util.js';
import { createReadIndex } from '../timetable/read-index.util.js';
import type { BookerBookingLike, BookingLink, DesiredBooking } from '../timetable/events.types.js';

function desired(id: string, overrides: { start?: string; title?: string } = {}): DesiredBooking {
  const start = overrides.start ?? '2025-10-20T09:00:00+01:00';
  const startMs = Date.parse(start);
  const request = {
    roomId: 11,
    start: start,
    end: new Date(startMs + 3_600_000).toISOString().replace('.000Z', '+00:00'),
    title: overrides.title ?? `Activity ${id}`,
    description: `event ${id}`,
    externalReference: `termtime:${id}@R1`,
    expectedAttendees: 10,
    bookingType: 'LEC',
  };
  return {
    reference: request.externalReference,
    request,
    hash: hashRequest(request),
    startMs,
    endMs: startMs + 3_600_000,
    members: [],
  };
}

function link(d: DesiredBooking, bookingId: number, hash = d.hash): BookingLink {
  return {
    reference: d.reference,
    bookingId,
    hash,
    roomCode: 'R1',
    eventIds: [d.reference],
    startsAt: new Date(d.startMs),
  };
}

function booking(
  d: DesiredBooking,
  id: number,
  overrides: Partial<BookerBookingLike> = {},
): BookerBookingLike {
  return {
    id: id,
    roomId: d.request.roomId,
    start: d.request.start,
    end: d.request.end,
    title: d.request.title,
    externalReference: d.reference,
    status: 'Confirmed',
    ...overrides,
  };
}

const a = desired('A');
const b = desired('B');
const aMoved = desired('A', { start: '2025-10-21T09:00:00+01:00' });
const foreign: BookerBookingLike = {
  id: 900,
  roomId: 11,
  start: '2025-10-20T09:00:00+01:00',
  end: '2025-10-20T10:00:00+01:00',
  title: 'Society meeting',
  externalReference: 'society-42',
  status: 'Confirmed',
};

const WINDOW = { fromMs: Date.parse('2025-10-01T00:00:00+01:00'), toMs: Date.parse('2026-01-01T00:00:00Z') };

function kinds(plan: EventsPlan): string[] {
  return plan.changes.map(eventChangeKey);
}

type Case = {
  name: string;
  desired: DesiredBooking[];
  links: BookingLink[];
  bookings: BookerBookingLike[];
  changes: string[];
  fixes?: string[];
  counts?: Partial<EventsPlan['counts']>;
  linkedElsewhere?: Map<string, number>;
};

/** An event of the next term, booked by that window's run, whose booking was moved into this window. */
const nextTerm = desired('N', { start: '2026-01-12T09:00:00Z' });
const movedIn = booking(nextTerm, 12, {
  start: '2025-10-22T09:00:00+01:00',
  end: '2025-10-22T10:00:00+01:00',
});

const cases: Case[] = [
  {
    name: 'first run: everything is created',
    desired: [a, b],
    links: [],
    bookings: [],
    changes: ['create:termtime:A@R1', 'create:termtime:B@R1'],
    counts: { creates: 2, ourBookings: 0 },
  },
  {
    name: 'unchanged: no call',
    desired: [a, b],
    links: [link(a, 1), link(b, 2)],
    bookings: [booking(a, 1), booking(b, 2)],
    changes: [],
    counts: { unchanged: 2, ourBookings: 2 },
  },
  {
    name: 'a moved event is updated',
    desired: [aMoved],
    links: [link(a, 1)],
    bookings: [booking(a, 1)],
    changes: ['update:termtime:A@R1'],
  },
  {
    name: 'an event gone from TermTime has its booking cancelled',
    desired: [a],
    links: [link(a, 1), link(b, 2)],
    bookings: [booking(a, 1), booking(b, 2)],
    changes: ['cancel:termtime:B@R1'],
    counts: { cancellations: 1 },
  },
  {
    name: 'a booking cancelled by hand in Booker is re-created',
    desired: [a],
    links: [link(a, 1)],
    bookings: [booking(a, 1, { status: 'Cancelled' })],
    changes: ['create:termtime:A@R1'],
    counts: { recreates: 1, creates: 0 },
  },
  {
    name: 'a booking deleted from Booker is re-created',
    desired: [a],
    links: [link(a, 1)],
    bookings: [],
    changes: ['create:termtime:A@R1'],
    counts: { recreates: 1 },
  },
  {
    name: 'no link but our booking is in Booker (a run stopped halfway): adopted, no call',
    desired: [a],
    links: [],
    bookings: [booking(a, 5)],
    changes: [],
    fixes: ['adopt:termtime:A@R1:5'],
  },
  {
    name: 'no link and our booking in Booker differs: updated, not duplicated',
    desired: [aMoved],
    links: [],
    bookings: [booking(a, 5)],
    changes: ['update:termtime:A@R1'],
  },
  {
    name: 'gone from TermTime and already cancelled in Booker: the link is dropped, no call',
    desired: [],
    links: [link(a, 1)],
    bookings: [booking(a, 1, { status: 'Cancelled' })],
    changes: [],
    fixes: ['drop:termtime:A@R1:1'],
  },
  {
    name: 'a stray booking of ours no event calls for is cancelled',
    desired: [],
    links: [],
    bookings: [booking(b, 7)],
    changes: ['cancel:termtime:B@R1'],
  },
  {
    name: 'a booking of ours moved by hand into the window, linked outside it: left to its own window',
    desired: [a],
    links: [link(a, 1)],
    bookings: [booking(a, 1), movedIn],
    linkedElsewhere: new Map([[nextTerm.reference, 12]]),
    changes: [],
    counts: { cancellations: 0 },
  },
  {
    name: 'a booking of ours whose reference is linked outside the window to another booking: stray',
    desired: [],
    links: [],
    bookings: [movedIn],
    linkedElsewhere: new Map([[nextTerm.reference, 13]]),
    changes: ['cancel:termtime:N@R1'],
  },
  {
    name: 'a booking of ours in the margin of the read, outside the window, is not judged',
    desired: [],
    links: [],
    bookings: [booking(desired('Z', { start: '2025-09-30T09:00:00+01:00' }), 8)],
    changes: [],
  },
  {
    name: 'a booking that is not ours is never touched',
    desired: [a],
    links: [link(a, 1)],
    bookings: [booking(a, 1), foreign, { ...foreign, id: 901, externalReference: null }],
    changes: [],
    counts: { notOurs: 2 },
  },
  {
    name: 'a linked booking given a reference not ours is left alone: its event booked anew',
    desired: [aMoved],
    links: [link(a, 1)],
    bookings: [booking(a, 1, { externalReference: 'DEPT-123' })],
    changes: ['create:termtime:A@R1'],
    counts: { recreates: 1, updates: 0, notOurs: 1, ourBookings: 0 },
  },
  {
    name: 'a linked booking given a reference not ours, its event gone: not cancelled, the link dropped',
    desired: [],
    links: [link(a, 1)],
    bookings: [booking(a, 1, { externalReference: 'DEPT-123' })],
    changes: [],
    fixes: ['drop:termtime:A@R1:1'],
    counts: { cancellations: 0, notOurs: 1 },
  },
  {
    name: 'cancellations, then updates, then creations',
    desired: [aMoved, desired('C')],
    links: [link(a, 1), link(b, 2)],
    bookings: [booking(a, 1), booking(b, 2)],
    changes: ['cancel:termtime:B@R1', 'update:termtime:A@R1', 'create:termtime:C@R1'],
  },
];

describe('planEvents', () => {
  it('says why a linked booking is made anew: deleted, cancelled, or not ours any more', () => {
    const plan = planEvents({
      desired: [a, b, desired('C')],
      skipped: [],
      links: [link(a, 1), link(b, 2), link(desired('C'), 3)],
      bookings: [booking(b, 2, { status: 'Cancelled' }), booking(a, 3, { externalReference: 'DEPT-123' })],
      window: WINDOW,
    });
    expect(
      plan.changes.map((change) => (change.kind === 'create' ? change.recreates?.status : change.kind)),
    ).toEqual(['missing', 'cancelled', 'not_ours']);
  });

  it.each(cases)('$name', (c) => {
    const plan = planEvents({
      desired: c.desired,
      skipped: [],
      links: c.links,
      bookings: c.bookings,
      window: WINDOW,
      ...(c.linkedElsewhere === undefined ? {} : { linkedElsewhere: c.linkedElsewhere }),
    });
    expect(kinds(plan)).toEqual(c.changes);
    expect(plan.linkFixes.map((fix) => `${fix.kind}:${fix.reference}:${fix.bookingId}`)).toEqual(
      c.fixes ?? [],
    );
    if (c.counts !== undefined) expect(plan.counts).toMatchObject(c.counts);
  });

  it('counts skips by reason', () => {
    const plan = planEvents({
      desired: [],
      skipped: [
        { reason: 'virtual', activityCode: 'X' },
        { reason: 'virtual', activityCode: 'Y' },
        { reason: 'room_none', activityCode: 'Z' },
      ],
      links: [],
      bookings: [],
      window: WINDOW,
    });
    expect(plan.counts.skipped).toBe(3);
    expect(plan.counts.skippedBy).toEqual({ virtual: 2, room_none: 1 });
  });
});

/** The read joined as a run joins it: links, then bookings page by page, desired last (or another order). */
function indexed(
  c: Pick<Case, 'desired' | 'links' | 'bookings'>,
  order: 'links-first' | 'desired-first' | 'bookings-first',
  pageSize: number,
) {
  const index = createReadIndex(WINDOW);
  const pages = () => {
    for (let i = 0; i < c.bookings.length; i += pageSize)
      index.addBookings(c.bookings.slice(i, i + pageSize));
  };
  if (order === 'bookings-first') pages();
  if (order === 'desired-first') index.addDesired(c.desired);
  index.addLinks(c.links);
  if (order !== 'bookings-first') pages();
  if (order !== 'desired-first') index.addDesired(c.desired);
  return index;
}

/**
 * The read joined as a run joins it, in slices: the links and the bookings called for added in
 * slices (yielding at every look at the clock), in either order, asked for after `addsAfter` pages,
 * while the pages come in, a page per turn of the event loop.
 */
async function indexedInSlices(
  c: Pick<Case, 'desired' | 'links' | 'bookings'>,
  pageSize: number,
  order: 'links-first' | 'desired-first' = 'links-first',
  addsAfter = 0,
) {
  const index = createReadIndex(WINDOW, { sliceMs: 0 });
  let adds: Promise<unknown> | undefined;
  const startAdds = () => {
    const links = () => index.addLinksInSlices(c.links);
    const wanted = () => index.addDesiredInSlices(c.desired);
    adds = order === 'links-first' ? Promise.all([links(), wanted()]) : Promise.all([wanted(), links()]);
  };
  for (let i = 0, page = 0; i < c.bookings.length; i += pageSize, page += 1) {
    if (page === addsAfter) startAdds();
    index.addBookings(c.bookings.slice(i, i + pageSize));
    await new Promise((resolve) => setImmediate(resolve));
  }
  if (adds === undefined) startAdds();
  await adds;
  return index;
}

describe('planEventsFromIndex: the plan of planEvents, joined as the read comes in', () => {
  it.each(cases)('$name', async (c) => {
    const input = {
      skipped: [],
      window: WINDOW,
      ...(c.linkedElsewhere === undefined ? {} : { linkedElsewhere: c.linkedElsewhere }),
    };
    const expected = planEvents({ ...input, desired: c.desired, links: c.links, bookings: c.bookings });
    for (const order of ['links-first', 'desired-first', 'bookings-first'] as const) {
      expect(planEventsFromIndex(indexed(c, order, 1), input)).toEqual(expected);
    }
    for (const order of ['links-first', 'desired-first'] as const) {
      for (const addsAfter of [0, 1, 3]) {
        expect(planEventsFromIndex(await indexedInSlices(c, 1, order, addsAfter), input)).toEqual(expected);
      }
    }
  });

  it('is not ready while an add runs in slices, and joins the pages that came in meanwhile', async () => {
    const wanted = Array.from({ length: 1500 }, (_, i) => desired(`E${String(i).padStart(4, '0')}`));
    const links = wanted.map((d, i) => link(d, i + 1));
    const bookings = wanted.map((d, i) => booking(d, i + 1));
    const index = createReadIndex(WINDOW, { sliceMs: 0 });
    index.addBookings(bookings.slice(0, 500));
    const adds = Promise.all([index.addLinksInSlices(links), index.addDesiredInSlices(wanted)]);
    // The adds are asked for, not done: the index is not ready, and takes no add in one go.
    expect(() => index.joined()).toThrow('still adding links or desired bookings in slices');
    expect(() => index.addDesired(wanted)).toThrow('still adding');
    index.addBookings(bookings.slice(500, 1000));
    await new Promise((resolve) => setImmediate(resolve));
    index.addBookings(bookings.slice(1000));
    await adds;
    const joins = index.joined();
    expect(joins.unusual).toBe(false);
    expect(joins.ourBookings).toBe(1500);
    expect([...joins.sameHash].every((same) => same === 1)).toBe(true);
    expect(joins.bookingOfLink.map((b) => b?.id)).toEqual(bookings.map((b) => b.id));
    const plan = planEventsFromIndex(index, { skipped: [], window: WINDOW });
    expect(plan.counts.unchanged).toBe(1500);
    expect(plan.changes).toEqual([]);
  });

  it('gives the plan of planEvents on generated reads, duplicates included (seeded)', async () => {
    let seed = 20_261_126;
    const random = () => {
      seed = (seed * 48_271) % 2_147_483_647;
      return seed / 2_147_483_647;
    };
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
    const starts = ['2025-09-30T09:00:00+01:00', '2025-10-20T09:00:00+01:00', '2026-01-12T09:00:00Z'];
    let usual = 0;
    for (let round = 0; round < 300; round += 1) {
      const pool = Array.from({ length: 12 }, (_, i) => desired(`E${i}`, { start: pick(starts) }));
      const wanted = pool.filter(() => random() < 0.6);
      if (random() < 0.05 && wanted.length > 0) wanted.push(pick(wanted));
      const links: BookingLink[] = [];
      const bookings: BookerBookingLike[] = [];
      let nextId = 1;
      for (const d of pool) {
        let activeLinked = false;
        if (random() < 0.6) {
          const id = random() < 0.03 && links.length > 0 ? pick(links).bookingId : nextId++;
          const changed = random() < 0.2 ? desired(d.reference, { title: 'changed' }).hash : d.hash;
          links.push(link(d, id, changed));
          const state = random();
          if (state < 0.55) bookings.push(booking(d, id, { start: pick(starts) }));
          // Its ExternalReference changed by someone: not ours any more.
          else if (state < 0.6) bookings.push(booking(d, id, { externalReference: pick(['DEPT-1', null]) }));
          else if (state < 0.8) bookings.push(booking(d, id, { status: 'Cancelled' }));
          activeLinked = state < 0.55;
        }
        // Ours with no link (adopted, or stray), or a second live booking of one reference.
        if (random() < (activeLinked ? 0.01 : 0.4)) {
          bookings.push(booking(d, nextId++, random() < 0.5 ? {} : { start: pick(starts), title: 'other' }));
        }
      }
      if (random() < 0.5) bookings.push({ ...foreign, id: nextId });
      if (random() < 0.04 && bookings.length > 0) {
        const twin = pick(bookings);
        bookings.push({ ...twin, status: twin.status === 'Cancelled' ? 'Confirmed' : 'Cancelled' });
      }
      for (let i = bookings.length - 1; i > 0; i -= 1) {
        const j = Math.floor(random() * (i + 1));
        [bookings[i], bookings[j]] = [bookings[j], bookings[i]];
      }
      // In reference order half the time, as a run reads them (joined by a merge, not a map).
      if (random() < 0.5) {
        const byReference = (x: { reference: string }, y: { reference: string }) =>
          x.reference < y.reference ? -1 : x.reference > y.reference ? 1 : 0;
        wanted.sort(byReference);
        links.sort(byReference);
      }
      const linkedElsewhere = new Map<string, number>();
      for (const item of bookings)
        if (random() < 0.1) linkedElsewhere.set(item.externalReference ?? '', item.id);
      const input = { skipped: [], window: WINDOW, linkedElsewhere };
      const expected = planEvents({ ...input, desired: wanted, links, bookings });
      const index = indexed(
        { desired: wanted, links, bookings },
        pick(['links-first', 'desired-first', 'bookings-first'] as const),
        1 + Math.floor(random() * 4),
      );
      if (!index.joined().unusual) usual += 1;
      expect(planEventsFromIndex(index, input)).toEqual(expected);
      expect(index.strayCandidates()).toEqual(strayCandidates(bookings, links, WINDOW));
      // (Its page size, add order and start from the round: the seeded reads stay as they were.)
      const sliced = await indexedInSlices(
        { desired: wanted, links, bookings },
        1 + (round % 4),
        round % 2 === 0 ? 'links-first' : 'desired-first',
        round % 5,
      );
      expect(planEventsFromIndex(sliced, input)).toEqual(expected);
      expect(sliced.strayCandidates()).toEqual(strayCandidates(bookings, links, WINDOW));
    }
    // Both ways of planning were taken.
    expect(usual).toBeGreaterThan(200);
    expect(usual).toBeLessThan(300);
  });
});

describe('ReadIndex.activeNotOurs: the bookings the pre-flight checks against', () => {
  it('holds the active bookings not ours, in listing order, whatever order the read came in', () => {
    const bookings: BookerBookingLike[] = [
      booking(a, 1),
      { ...foreign, id: 901, status: 'Cancelled' },
      { ...foreign, id: 902, externalReference: null },
      booking(b, 2, { status: 'Cancelled' }),
      foreign,
      { ...foreign, id: 903, roomId: 12, externalReference: 'termtime-like-but-not:E1@R1' },
    ];
    const expected = bookings.filter((item) => isActive(item) && !isOurs(item));
    expect(expected.map((item) => item.id)).toEqual([902, 900, 903]);
    const c = { desired: [a, b], links: [link(a, 1)], bookings };
    for (const order of ['links-first', 'desired-first', 'bookings-first'] as const) {
      for (const pageSize of [1, 2, 6]) {
        const index = indexed(c, order, pageSize);
        expect(index.activeNotOurs()).toEqual(expected);
        expect(findConflicts([a, b], index.activeNotOurs())).toEqual(findConflicts([a, b], bookings));
      }
    }
  });
});

describe('bookingsInTheWay', () => {
  const elsewhere = desired('E');
  elsewhere.request = { ...elsewhere.request, roomId: 12 };
  const read = [
    booking(a, 1),
    booking(b, 2, { status: 'Cancelled' }),
    foreign,
    { ...booking(elsewhere, 3), roomId: 12 },
  ];
  it('keeps the active bookings in the rooms the plan creates or updates in, by id', () => {
    const kept = bookingsInTheWay(read, [
      { kind: 'create', reference: 'termtime:C@R1', booking: desired('C') },
    ]);
    expect([...kept.keys()]).toEqual([1, 900]);
    expect(kept.get(900)).toEqual({
      title: 'Society meeting',
      start: foreign.start,
      end: foreign.end,
      ours: false,
    });
    expect(kept.get(1)?.ours).toBe(true);
    const updated = bookingsInTheWay(read, [
      { kind: 'update', reference: elsewhere.reference, bookingId: 3, booking: elsewhere },
    ]);
    expect([...updated.keys()]).toEqual([3]);
  });
  it('keeps none for a plan that books nothing (cancellations only, or no change)', () => {
    const cancel = {
      kind: 'cancel' as const,
      reference: a.reference,
      bookingId: 1,
      why: 'gone' as const,
      eventIds: [],
      roomCode: 'R1',
    };
    expect(bookingsInTheWay(read, [cancel]).size).toBe(0);
    expect(bookingsInTheWay(read, []).size).toBe(0);
  });
});

describe('strayCandidates', () => {
  it('lists the active bookings of ours in the window that no link read names, only those', () => {
    const margin = booking(desired('Z', { start: '2025-09-30T09:00:00+01:00' }), 8);
    const cancelled = booking(b, 9, { status: 'Cancelled' });
    expect(
      strayCandidates([booking(a, 1), movedIn, margin, cancelled, foreign], [link(a, 1)], WINDOW),
    ).toEqual([nextTerm.reference]);
  });
});

describe('cancellationRefusal', () => {
  const plan = (cancellations: number, ourBookings: number) =>
    ({ counts: { cancellations, ourBookings } }) as unknown as EventsPlan;
  it.each([
    [0, 0, { maxCancelRatio: 0.05 }, null],
    [1, 100, { maxCancelRatio: 0.05 }, null],
    [5, 100, { maxCancelRatio: 0.05 }, null],
    [6, 100, { maxCancelRatio: 0.05 }, /EVENTS_MAX_CANCEL_RATIO/],
    [3, 100, { maxCancelRatio: 0.05, maxCancellations: 2 }, /EVENTS_MAX_CANCELLATIONS \(2\)/],
    [1, 0, { maxCancelRatio: 0.05 }, /EVENTS_MAX_CANCEL_RATIO/],
  ])('%i cancellations of %i bookings with %j', (cancellations, ours, limits, expected) => {
    const reason = cancellationRefusal(plan(cancellations, ours), limits);
    if (expected === null) expect(reason).toBeNull();
    else expect(reason).toMatch(expected);
  });
});
