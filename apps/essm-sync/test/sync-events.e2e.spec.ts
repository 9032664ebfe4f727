import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { activeOurs, type EssmHarness, job, startEssmHarness } from './essm.harness.js';

let h: EssmHarness;

beforeAll(async () => {
  h = await startEssmHarness();
});
afterAll(async () => {
  await h?.close();
});
beforeEach(async () => {
  await h.reset();
});

async function syncEvents(query = '') {
  const response = await h.server().post(`/jobs/sync-events${query}`).set(job);
  return response;
}

function bookerWrites(): number {
  return h.booker.control.calls.filter((call) => call.method !== 'GET' && call.path !== '/api/auth').length;
}

describe('sync-events end to end', () => {
  it('first run creates a booking per event and room; a repeated run makes no call beyond the reads', async () => {
    const first = await syncEvents();
    expect(first.status).toBe(200);
    expect(first.body.status).toBe('succeeded');
    const summary = first.body.summary;
    const created = summary.applied.created;
    expect(created).toBeGreaterThan(0);
    expect(summary.plan.skippedBy).toMatchObject({
      virtual: expect.any(Number),
      room_none: expect.any(Number),
    });
    expect(activeOurs(h.booker)).toHaveLength(created);
    const links = await h.prisma.essmBookingLink.count();
    expect(links).toBe(created);

    const failed = summary.applied.failed;
    expect(failed).toBeGreaterThan(0); // the term's deliberate conflicts: 409s, retried each run

    h.booker.control.reset();
    const second = await syncEvents();
    expect(second.body.status).toBe('succeeded');
    expect(second.body.summary.plan).toMatchObject({
      creates: failed,
      updates: 0,
      cancellations: 0,
      recreates: 0,
    });
    expect(second.body.summary.plan.unchanged).toBe(created);
    // Only the bookings refused last time are tried again: the rest makes no call.
    expect(bookerWrites()).toBe(failed);
  });

  it('a dry run plans and changes nothing', async () => {
    const dry = await syncEvents('?dry_run=1');
    expect(dry.body.status).toBe('succeeded');
    expect(dry.body.dryRun).toBe(true);
    expect(dry.body.summary.changes.creates.length).toBeGreaterThan(0);
    expect(activeOurs(h.booker)).toHaveLength(0);
    expect(await h.prisma.essmBookingLink.count()).toBe(0);
  });

  it('updates a moved event, cancels a deleted one, re-creates one cancelled by hand, leaves others alone', async () => {
    await syncEvents();
    const links = await h.prisma.essmBookingLink.findMany({ orderBy: { reference: 'asc' } });
    const activityOf = (eventId: string) =>
      h.term.termtime.activities.find((a) => a.events.some((e) => e.uniqueId === eventId));
    const picked = [] as {
      activity: NonNullable<ReturnType<typeof activityOf>>;
      link: (typeof links)[number];
    }[];
    for (const link of links) {
      const activity = activityOf(link.eventIds[0] ?? '');
      if (activity === undefined || activity.scheduledRooms.length !== 1) continue;
      if (picked.some((p) => p.activity.code === activity.code)) continue;
      const allLinked = activity.events.every((e) => links.some((l) => l.eventIds.includes(e.uniqueId)));
      if (allLinked && activity.events[0]?.uniqueId === link.eventIds[0]) picked.push({ activity, link });
      if (picked.length === 3) break;
    }
    const [moved, removed, other] = picked.map((p) => p.activity);
    if (moved === undefined || removed === undefined || other === undefined)
      throw new Error('term too small');
    h.termtime.updateActivity(moved.code, (a) => ({
      ...a,
      events: a.events.map((e, i) => (i === 0 ? { ...e, startTime: '07:00', endTime: '07:50' } : e)),
    }));
    h.termtime.updateActivity(removed.code, () => null);
    const otherRef = `termtime:${other.events[0]?.uniqueId}@${other.scheduledRooms[0]}`;
    const otherBooking = activeOurs(h.booker).find((b) => b.ExternalReference === otherRef);
    if (otherBooking === undefined) throw new Error('no booking for the other activity');
    h.booker.cancelByHand(otherBooking.OptimeIndex);
    const foreignBefore = h.booker.bookings().filter((b) => b.CreatedBy === 'someone.else');

    const run = await syncEvents();
    expect(run.body.status).toBe('succeeded');
    expect(run.body.summary.plan).toMatchObject({
      updates: 1,
      cancellations: removed.events.length,
      recreates: 1,
    });
    expect(run.body.summary.applied).toMatchObject({
      updated: 1,
      cancelled: removed.events.length,
      recreated: 1,
    });
    const movedRef = `termtime:${moved.events[0]?.uniqueId}@${moved.scheduledRooms[0]}`;
    const movedBooking = activeOurs(h.booker).find((b) => b.ExternalReference === movedRef);
    expect(movedBooking?.StartTime).toMatch(/T07:00:00\+0[01]:00$/);
    for (const event of removed.events) {
      const ref = `termtime:${event.uniqueId}@${removed.scheduledRooms[0]}`;
      expect(activeOurs(h.booker).find((b) => b.ExternalReference === ref)).toBeUndefined();
    }
    // Each cancellation names its TermTime event (read from its link) in the summary and the audit.
    const cancellations = run.body.summary.changes.cancellations as {
      reference: string;
      eventIds: string[];
    }[];
    expect(cancellations.map((c) => c.eventIds).sort()).toEqual(
      removed.events.map((event) => [event.uniqueId]).sort(),
    );
    const audited = await h.prisma.auditEvent.findMany({
      where: { runId: run.body.id, action: 'essm.booking.cancelled' },
    });
    expect(audited.map((a) => (a.before as { eventIds: string[] }).eventIds).sort()).toEqual(
      removed.events.map((event) => [event.uniqueId]).sort(),
    );
    expect(activeOurs(h.booker).filter((b) => b.ExternalReference === otherRef)).toHaveLength(1);
    const recreated = run.body.summary.changes.creates.find(
      (c: { reference: string }) => c.reference === otherRef,
    );
    expect(recreated.recreates).toEqual({
      bookingId: otherBooking.OptimeIndex,
      status: 'cancelled',
    });
    expect(h.booker.bookings().filter((b) => b.CreatedBy === 'someone.else')).toEqual(foreignBefore);
  });

  it('a linked booking given an ExternalReference not ours by someone is never touched: not updated, not cancelled', async () => {
    await syncEvents();
    const links = await h.prisma.essmBookingLink.findMany({ orderBy: { reference: 'asc' } });
    const activityOf = (eventId: string) =>
      h.term.termtime.activities.find((a) => a.events.some((e) => e.uniqueId === eventId));
    // Two activities in a single room, each event linked: one changes, one leaves TermTime.
    const picked: { activity: NonNullable<ReturnType<typeof activityOf>>; link: (typeof links)[number] }[] =
      [];
    for (const link of links) {
      const activity = activityOf(link.eventIds[0] ?? '');
      if (activity === undefined || activity.scheduledRooms.length !== 1 || link.eventIds.length !== 1)
        continue;
      if (picked.some((p) => p.activity.code === activity.code)) continue;
      if (activity.events.every((e) => links.some((l) => l.eventIds.includes(e.uniqueId))))
        picked.push({ activity, link });
      if (picked.length === 2) break;
    }
    const [changed, leaving] = picked;
    if (changed === undefined || leaving === undefined) throw new Error('term too small');
    h.booker.editByHand(changed.link.bookingId, { ExternalReference: 'DEPT-123' });
    h.booker.editByHand(leaving.link.bookingId, { ExternalReference: 'DEPT-124' });
    const theirs = [changed.link.bookingId, leaving.link.bookingId].map((id) => h.booker.booking(id));
    h.termtime.updateActivity(changed.activity.code, (a) => ({ ...a, size: a.size + 5 }));
    h.termtime.updateActivity(leaving.activity.code, () => null);

    const run = await syncEvents();
    expect(run.body.status).toBe('succeeded');
    // Someone else's bookings now: as they were, neither updated nor cancelled.
    expect([changed.link.bookingId, leaving.link.bookingId].map((id) => h.booker.booking(id))).toEqual(
      theirs,
    );
    const touched = await h.prisma.auditEvent.findMany({
      where: {
        runId: run.body.id,
        entityId: { in: [changed.link.bookingId, leaving.link.bookingId].map(String) },
      },
    });
    // (Only the dropped link of the event gone is audited, saying why.)
    expect(touched.map((audit) => [audit.action, audit.entityId, audit.reason])).toEqual([
      [
        'essm.link.dropped',
        String(leaving.link.bookingId),
        expect.stringContaining('given an ExternalReference not ours'),
      ],
    ]);
    // The changed event is booked anew (here refused: the other booking holds its slot, a 409 the
    // run records); the event gone leaves a cancellation for each of its other events only.
    const recreated = run.body.summary.changes.creates.find(
      (c: { reference: string }) => c.reference === changed.link.reference,
    );
    expect(recreated.recreates).toEqual({ bookingId: changed.link.bookingId, status: 'not_ours' });
    expect(run.body.summary.plan).toMatchObject({
      recreates: 1,
      updates: changed.activity.events.length - 1,
      cancellations: leaving.activity.events.length - 1,
    });
    const failures = run.body.summary.failures as { reference: string; status?: number }[];
    expect(failures.find((f) => f.reference === changed.link.reference)?.status).toBe(409);
    // The link of the event gone, whose booking is someone else's, is dropped.
    expect(
      await h.prisma.essmBookingLink.findUnique({ where: { reference: leaving.link.reference } }),
    ).toBeNull();
  });

  it('a linked booking moved out of the window by someone is looked up by id: never booked twice, nor forgotten', async () => {
    const first = await syncEvents();
    const retried = first.body.summary.applied.failed as number;
    const links = await h.prisma.essmBookingLink.findMany({ orderBy: { reference: 'asc' } });
    const activityOf = (eventId: string) =>
      h.term.termtime.activities.find((a) => a.events.some((e) => e.uniqueId === eventId));
    // One whose event stays, one whose activity leaves TermTime (a single room, every event linked),
    // and one deleted in Booker altogether.
    const stays = links[0];
    const leaving = links
      .map((link) => ({ link, activity: activityOf(link.eventIds[0] ?? '') }))
      .find(
        ({ link, activity }) =>
          activity !== undefined &&
          link !== stays &&
          activity.scheduledRooms.length === 1 &&
          !activity.events.some((e) => stays?.eventIds.includes(e.uniqueId)) &&
          activity.events.every((e) => links.some((l) => l.eventIds.includes(e.uniqueId))),
      );
    const deleted = links.find(
      (link) =>
        link !== stays &&
        !leaving?.activity?.events.some((e) => link.eventIds.includes(e.uniqueId)) &&
        link.eventIds.length === 1,
    );
    if (stays === undefined || leaving?.activity === undefined || deleted === undefined)
      throw new Error('term too small');
    h.booker.moveByHand(stays.bookingId, '2026-02-02T09:00:00+00:00', '2026-02-02T10:00:00+00:00');
    h.booker.moveByHand(leaving.link.bookingId, '2026-02-03T09:00:00+00:00', '2026-02-03T10:00:00+00:00');
    h.booker.deleteByHand(deleted.bookingId);
    h.termtime.updateActivity(leaving.activity.code, () => null);
    h.booker.control.reset();

    const run = await syncEvents();
    expect(run.body.status).toBe('succeeded');
    expect(run.body.summary.read.lookedUp).toEqual({ asked: 3, found: 2 });
    const lookups = h.booker.control.calls
      .filter((call) => call.method === 'GET' && call.path.startsWith('/api/booker/booking/'))
      .map((call) => call.path)
      .sort();
    expect(lookups).toEqual(
      [stays.bookingId, leaving.link.bookingId, deleted.bookingId]
        .map((id) => `/api/booker/booking/${id}`)
        .sort(),
    );
    const events = leaving.activity.events.length;
    expect(run.body.summary.plan).toMatchObject({
      creates: retried,
      recreates: 1, // the deleted one only
      updates: 0,
      cancellations: events,
      droppedLinks: 0,
    });
    // The moved booking whose event stays is still the one booking of its reference, still linked.
    const ofStays = activeOurs(h.booker).filter((b) => b.ExternalReference === stays.reference);
    expect(ofStays.map((b) => b.OptimeIndex)).toEqual([stays.bookingId]);
    const link = await h.prisma.essmBookingLink.findUnique({ where: { reference: stays.reference } });
    expect(link?.bookingId).toBe(stays.bookingId);
    // The moved booking of the event gone from TermTime is cancelled, not forgotten.
    expect(h.booker.booking(leaving.link.bookingId)?.Status).toBe('Cancelled');
    const recreated = run.body.summary.changes.creates.find(
      (c: { reference: string }) => c.reference === deleted.reference,
    );
    expect(recreated.recreates).toEqual({ bookingId: deleted.bookingId, status: 'missing' });
    expect(activeOurs(h.booker).filter((b) => b.ExternalReference === deleted.reference)).toHaveLength(1);

    // The next run asks for the moved one again (it is still outside the window) and changes nothing.
    h.booker.control.reset();
    const again = await syncEvents();
    expect(again.body.summary.read.lookedUp).toEqual({ asked: 1, found: 1 });
    expect(again.body.summary.plan).toMatchObject({ recreates: 0, cancellations: 0, updates: 0 });
  });

  it('a linked booking moved out of the window whose by-id read answers 404 is confirmed by reference, not re-created', async () => {
    await syncEvents();
    const links = await h.prisma.essmBookingLink.findMany({ orderBy: { reference: 'asc' } });
    const moved = links[0];
    if (moved === undefined) throw new Error('term too small');
    h.booker.moveByHand(moved.bookingId, '2026-02-02T09:00:00+00:00', '2026-02-02T10:00:00+00:00');
    h.booker.control.addFault({
      method: 'GET',
      path: new RegExp(`^/api/booker/booking/${moved.bookingId}$`),
      status: 404,
      times: 1,
    });
    const run = await syncEvents();
    expect(run.body.status).toBe('succeeded');
    expect(run.body.summary.read.lookedUp).toEqual({ asked: 1, found: 1 });
    expect(run.body.summary.plan).toMatchObject({ recreates: 0, cancellations: 0, updates: 0 });
    const ofMoved = activeOurs(h.booker).filter((b) => b.ExternalReference === moved.reference);
    expect(ofMoved.map((b) => b.OptimeIndex)).toEqual([moved.bookingId]);
  });

  it("a booking of another window's event moved by hand into this window is not cancelled as stray", async () => {
    // An earlier run, for the later weeks (as the next term's run would be), booked their events.
    const config = h.config as { EVENTS_WINDOW_START: string; EVENTS_WINDOW_END: string };
    const saved = { start: config.EVENTS_WINDOW_START, end: config.EVENTS_WINDOW_END };
    try {
      config.EVENTS_WINDOW_START = '2025-10-20';
      config.EVENTS_WINDOW_END = '2025-11-02';
      const earlier = await syncEvents();
      expect(earlier.body.status).toBe('succeeded');
      const links = await h.prisma.essmBookingLink.findMany({ orderBy: { reference: 'asc' } });
      const later = links.find((l) => l.eventIds.length === 1);
      if (later === undefined) throw new Error('term too small');
      // Someone moves that booking into the first weeks, early in the morning (nothing there).
      h.booker.moveByHand(later.bookingId, '2025-10-07T06:00:00+01:00', '2025-10-07T06:30:00+01:00');

      // This run's window is the first weeks: that booking is in it, its link and event are not.
      config.EVENTS_WINDOW_START = '2025-10-06';
      config.EVENTS_WINDOW_END = '2025-10-19';
      const run = await syncEvents();
      expect(run.body.status).toBe('succeeded');
      expect(run.body.summary.plan).toMatchObject({ cancellations: 0, updates: 0, recreates: 0 });
      expect(h.booker.booking(later.bookingId)?.Status).toBe('Confirmed');
      expect(activeOurs(h.booker).filter((b) => b.ExternalReference === later.reference)).toHaveLength(1);
      const link = await h.prisma.essmBookingLink.findUnique({ where: { reference: later.reference } });
      expect(link?.bookingId).toBe(later.bookingId);
    } finally {
      config.EVENTS_WINDOW_START = saved.start;
      config.EVENTS_WINDOW_END = saved.end;
    }
  });

  it('a 409 on one booking does not stop the others, is listed with the booking in the way, and is retried', async () => {
    const first = await syncEvents();
    const failures = first.body.summary.failures as {
      status: number;
      conflictingBookings: { id: number }[];
    }[];
    // The generated term has one Booker booking of someone else over a TermTime event.
    const foreignOverlap = h.term.quirks.foreignBookings[0];
    const blocked = failures.find((f) => f.conflictingBookings?.some((b) => b.id === foreignOverlap));
    expect(blocked?.status).toBe(409);
    expect(first.body.status).toBe('succeeded');
    expect(first.body.summary.applied.created).toBeGreaterThan(0);

    h.booker.cancelByHand(foreignOverlap);
    const second = await syncEvents();
    expect(second.body.summary.applied.created).toBeGreaterThanOrEqual(1);
    expect(
      second.body.summary.failures.some((f: { conflictingBookings?: { id: number }[] }) =>
        f.conflictingBookings?.some((b) => b.id === foreignOverlap),
      ),
    ).toBe(false);
  });

  /** Two bookings of ours, each of a one-room activity's single event, in one room on one day. */
  async function twoInOneRoom() {
    const links = await h.prisma.essmBookingLink.findMany({ orderBy: { reference: 'asc' } });
    const events = new Map(
      h.term.termtime.activities
        .filter((activity) => activity.scheduledRooms.length === 1)
        .flatMap((activity) =>
          activity.events.map((event) => [event.uniqueId, { activity, event }] as const),
        ),
    );
    const byRoomDay = new Map<
      string,
      { link: (typeof links)[number]; activity: string; eventId: string }[]
    >();
    for (const link of links) {
      const [eventId] = link.eventIds;
      const found = eventId === undefined || link.eventIds.length !== 1 ? undefined : events.get(eventId);
      if (found === undefined) continue;
      const key = `${link.roomCode} ${found.event.date}`;
      const list = byRoomDay.get(key) ?? [];
      if (!list.some((entry) => entry.activity === found.activity.code)) {
        list.push({ link, activity: found.activity.code, eventId: found.event.uniqueId });
      }
      byRoomDay.set(key, list);
    }
    const pair = [...byRoomDay.values()].find((list) => list.length >= 3);
    if (pair === undefined) throw new Error('no room with three one-event bookings on one day');
    return pair;
  }

  function moveEvent(
    activityCode: string,
    eventId: string,
    to: { date: string; startTime: string; endTime: string },
  ) {
    h.termtime.updateActivity(activityCode, (activity) => ({
      ...activity,
      events: activity.events.map((event) => (event.uniqueId === eventId ? { ...event, ...to } : event)),
    }));
  }

  function slotOf(eventId: string) {
    for (const activity of h.term.termtime.activities) {
      const event = activity.events.find((e) => e.uniqueId === eventId);
      if (event !== undefined)
        return { date: event.date, startTime: event.startTime, endTime: event.endTime };
    }
    throw new Error(`no event ${eventId}`);
  }

  /** The references of the bookings a run could not make or change (the term's quirks give some every run). */
  function failedReferences(run: { body: { summary: { failures: { reference: string }[] } } }): string[] {
    return run.body.summary.failures.map((failure) => failure.reference);
  }

  function bookingOf(reference: string) {
    const active = activeOurs(h.booker).filter((booking) => booking.ExternalReference === reference);
    expect(active).toHaveLength(1);
    return active[0];
  }

  it('two events swapping slots in one room both move in one run (one is cancelled and made anew)', async () => {
    await syncEvents();
    const [a, b] = await twoInOneRoom();
    if (a === undefined || b === undefined) throw new Error('no pair');
    const slotA = bookingOf(a.link.reference);
    const slotB = bookingOf(b.link.reference);
    moveEvent(a.activity, a.eventId, slotOf(b.eventId));
    moveEvent(b.activity, b.eventId, slotOf(a.eventId));

    const run = await syncEvents();
    expect(run.body.status).toBe('succeeded');
    expect(failedReferences(run)).not.toContain(a.link.reference);
    expect(failedReferences(run)).not.toContain(b.link.reference);
    expect(run.body.summary.applied.updated).toBe(2);
    expect(bookingOf(a.link.reference)).toMatchObject({
      StartTime: slotB?.StartTime,
      EndTime: slotB?.EndTime,
    });
    expect(bookingOf(b.link.reference)).toMatchObject({
      StartTime: slotA?.StartTime,
      EndTime: slotA?.EndTime,
    });
    const actions = await h.prisma.auditEvent.findMany({
      where: { runId: run.body.id },
      select: { action: true },
    });
    expect(actions.map((row) => row.action).sort()).toEqual([
      'essm.booking.cancelled',
      'essm.booking.moved',
      'essm.booking.updated',
    ]);

    const again = await syncEvents();
    expect(again.body.summary.applied).toMatchObject({ updated: 0, cancelled: 0 });
  });

  it('an event moving into the slot another booking of ours leaves in the same run is retried, not refused', async () => {
    await syncEvents();
    const [a, b] = await twoInOneRoom();
    if (a === undefined || b === undefined) throw new Error('no pair');
    const slotB = bookingOf(b.link.reference);
    const free = { ...slotOf(b.eventId), startTime: '06:00', endTime: '06:50' };
    moveEvent(a.activity, a.eventId, slotOf(b.eventId));
    moveEvent(b.activity, b.eventId, free);

    const run = await syncEvents();
    expect(run.body.status).toBe('succeeded');
    expect(run.body.summary.applied.updated).toBe(2);
    expect(failedReferences(run)).not.toContain(a.link.reference);
    expect(failedReferences(run)).not.toContain(b.link.reference);
    expect(bookingOf(a.link.reference)).toMatchObject({
      StartTime: slotB?.StartTime,
      EndTime: slotB?.EndTime,
    });
    expect(bookingOf(b.link.reference)?.StartTime).toContain('T06:00:00');
  });

  it('a failed read changes nothing', async () => {
    h.booker.control.addFault({ method: 'GET', path: '/api/booker/bookings', status: 500, times: 10 });
    const run = await syncEvents();
    expect(run.status).toBe(500);
    expect(run.body.status).toBe('failed');
    expect(activeOurs(h.booker)).toHaveLength(0);
    expect(await h.prisma.essmBookingLink.count()).toBe(0);
  });

  it.each([
    ["TermTime's activities", () => ({ path: '/v1/api/activities' })],
    ["a later page of Booker's bookings", () => ({ path: '/api/booker/bookings', queryIncludes: 'page=3' })],
  ])('after a sync, a failed read of %s changes nothing: no call, no link changed', async (_what, where) => {
    await syncEvents();
    const links = await h.prisma.essmBookingLink.findMany({ orderBy: { reference: 'asc' } });
    const bookings = h.booker.bookings();
    h.booker.control.reset();
    h.termtime.control.reset();
    const fault = { method: 'GET', status: 500, times: 10, ...where() };
    (fault.path.startsWith('/v1/') ? h.termtime : h.booker).control.addFault(fault);
    const run = await syncEvents();
    expect(run.status).toBe(500);
    expect(run.body.status).toBe('failed');
    expect(bookerWrites()).toBe(0);
    expect(h.booker.bookings()).toEqual(bookings);
    expect(await h.prisma.essmBookingLink.findMany({ orderBy: { reference: 'asc' } })).toEqual(links);
  });

  it('a run killed halfway leaves nothing the next run cannot finish, and no duplicate', async () => {
    const first = await syncEvents();
    const links = await h.prisma.essmBookingLink.findMany({ take: 3 });
    // As if the run had made these bookings but died before linking them.
    await h.prisma.essmBookingLink.deleteMany({
      where: { reference: { in: links.map((l) => l.reference) } },
    });
    const before = activeOurs(h.booker).length;
    const run = await syncEvents();
    expect(run.body.summary.plan.adopted).toBe(3);
    expect(run.body.summary.plan.creates).toBe(first.body.summary.applied.failed);
    expect(activeOurs(h.booker)).toHaveLength(before);
    expect(await h.prisma.essmBookingLink.count()).toBe(before);
  });

  it('audits every change with the run id', async () => {
    const run = await syncEvents();
    const audits = await h.prisma.auditEvent.count({
      where: { runId: run.body.id, action: 'essm.booking.created' },
    });
    expect(audits).toBe(run.body.summary.applied.created);
  });
});
