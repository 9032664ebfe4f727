import { describe, expect, it } from '@jest/globals';
import type { AuditInput, JobContext } from '@app/jobs';
import { fake } from '@app/testing';
import {
  BookerAuthError,
  type BookerClient,
  BookerConflictError,
  BookerNotFoundError,
  BookerValidationError,
} from '../booker/booker.client.js';
import type { BookerBooking, BookingInput } from '../booker/booker.types.js';
import type { ConflictsService } from '../conflicts/conflicts.service.js';
import { type EssmSyncConfig, loadEssmSyncConfig } from '../config.js';
import { hashRequest } from '../timetable/desired-bookings.util.js';
import type { BookingLink, DesiredBooking } from '../timetable/events.types.js';
import type { LinkRepository } from '../timetable/link.repository.js';
import { BookingApplier, MAX_FAILURES_IN_ROW } from './booking-applier.service.js';
import type { EventsDecision, EventsRun } from './events-decision.js';
import type { EventChange } from './events-plan.util.js';

const config: EssmSyncConfig = loadEssmSyncConfig({
  JOB_TOKEN: 'a-job-token-of-16-chars',
  TERMTIME_URL: 'http://127.0.0.1:1/v1/api',
  TERMTIME_API_KEY: 'KEY12345678901234567',
  TERMTIME_CAMPUS: 'MAIN',
  TERMTIME_DEFAULT_DEPARTMENT: 'UNIV',
  TERMTIME_CAPACITY_TYPE: 'LEC',
  BOOKER_URL: 'http://127.0.0.1:2',
  BOOKER_USERNAME: 'u',
  BOOKER_PASSWORD: 'p',
  EVENTS_WINDOW_START: '2025-10-01',
  EVENTS_WINDOW_END: '2025-12-31',
  EVENTS_BOOKING_TYPES: '*=T',
  OPS_EMAIL: 'ops@example.ac.uk',
  EVENTS_APPLY_CONCURRENCY: '2',
});

function desired(id: string): DesiredBooking {
  const request: BookingInput = {
    roomId: 11,
    start: '2025-10-20T09:00:00+01:00',
    end: '2025-10-20T10:00:00+01:00',
    title: `Activity ${id}`,
    description: '',
    externalReference: `termtime:${id}@R1`,
    expectedAttendees: 1,
    bookingType: 'T',
  };
  return {
    reference: request.externalReference,
    request,
    hash: hashRequest(request),
    startMs: Date.parse(request.start),
    endMs: Date.parse(request.end),
    members: [
      {
        activityCode: 'A',
        activityName: 'A',
        eventId: id,
        roomCode: 'R1',
      },
    ],
  };
}

const create = (id: string): EventChange => ({
  kind: 'create',
  reference: `termtime:${id}@R1`,
  booking: desired(id),
});
const cancel = (id: string, bookingId: number): EventChange => ({
  kind: 'cancel',
  reference: `termtime:${id}@R1`,
  bookingId,
  why: 'gone',
  eventIds: [id],
  roomCode: 'R1',
});

const foreign: BookerBooking = {
  id: 900,
  roomId: 11,
  start: '2025-10-20T09:00:00+01:00',
  end: '2025-10-20T10:00:00+01:00',
  title: 'Society',
  description: '',
  externalReference: null,
  expectedAttendees: 3,
  bookingType: 'X',
  status: 'Confirmed',
  createdBy: 'someone',
};

function run(changes: EventChange[]): EventsRun {
  const decision = {
    bookingsById: new Map([
      [900, { title: foreign.title, start: foreign.start, end: foreign.end, ours: false }],
    ]),
    plan: { linkFixes: [] },
  } as unknown as EventsDecision;
  return { runId: 'r', plan: decision, changes, limits: null };
}

function setup(booker: Partial<BookerClient>) {
  const written: { upserts: BookingLink[]; removals: string[]; audits: AuditInput[] }[] = [];
  const links = fake<LinkRepository>({
    writeLinks: async (_runId, upserts, removals, audit) => {
      const audits: AuditInput[] = [];
      written.push({ upserts: [...upserts], removals: [...removals], audits });
      await audit(fake());
      return undefined;
    },
  });
  const ctx = fake<JobContext>({
    runId: 'r',
    // The audit rows of the links being written (writeLinks asks for them in its transaction).
    auditMany: (audits: readonly AuditInput[]) => {
      written.at(-1)?.audits.push(...audits);
      return Promise.resolve();
    },
  });
  const applier = new BookingApplier(
    fake<BookerClient>({ calls: 0, ...booker }),
    links,
    fake<ConflictsService>(),
    config,
  );
  return { applier, ctx, written };
}

describe('BookingApplier', () => {
  it('records a 409 with the booking in the way and goes on with the others', async () => {
    let id = 100;
    const { applier, ctx, written } = setup({
      createBooking: (input: BookingInput) =>
        input.externalReference === 'termtime:B@R1'
          ? Promise.reject(new BookerConflictError('creating booking', [900], 'overlap'))
          : Promise.resolve({ id: ++id, foundAfterLostAnswer: false }),
    });
    const r = run([create('A'), create('B'), create('C')]);
    const state = applier.start(ctx, r);
    expect(await applier.applyBatch(ctx, r.changes, state, r)).toBeUndefined();
    applier.end(state, { notAttempted: 0 });
    expect(state.applied).toMatchObject({ created: 2, failed: 1, notAttempted: 0 });
    expect(state.applied.failures).toEqual([
      {
        kind: 'create',
        reference: 'termtime:B@R1',
        status: 409,
        message: expect.stringContaining('conflict with booking(s) 900'),
        conflictingBookings: [
          { id: 900, title: 'Society', start: foreign.start, end: foreign.end, ours: false },
        ],
      },
    ]);
    expect(written[0]?.upserts.map((l) => l.reference).sort()).toEqual(['termtime:A@R1', 'termtime:C@R1']);
    expect(applier.failure(state)).toBeUndefined();
  });

  it('takes a cancellation of a booking already gone (404) as done', async () => {
    const { applier, ctx, written } = setup({
      cancelBooking: () => Promise.reject(new BookerNotFoundError('cancelling booking', 5)),
    });
    const r = run([cancel('A', 5)]);
    const state = applier.start(ctx, r);
    await applier.applyBatch(ctx, r.changes, state, r);
    expect(state.applied).toMatchObject({ cancelled: 1, failed: 0 });
    expect(written[0]?.removals).toEqual(['termtime:A@R1']);
  });

  it('stops the run when Booker refuses our credentials', async () => {
    const { applier, ctx } = setup({
      createBooking: () => Promise.reject(new BookerAuthError('signing in', 'bad password', 401)),
    });
    const r = run([create('A'), create('B')]);
    const state = applier.start(ctx, r);
    const stop = await applier.applyBatch(ctx, r.changes, state, r);
    expect(stop).toMatch(/Booker refused our credentials/);
  });

  it(`stops after ${MAX_FAILURES_IN_ROW} failures in a row other than 409s`, async () => {
    const { applier, ctx } = setup({
      createBooking: () =>
        Promise.reject(new BookerValidationError('creating booking', { Title: ['too long'] }, 'bad')),
    });
    const r = run(Array.from({ length: MAX_FAILURES_IN_ROW + 5 }, (_, i) => create(`E${i}`)));
    const state = applier.start(ctx, r);
    const stop = await applier.applyBatch(ctx, r.changes, state, r);
    expect(stop).toMatch(/failed \d+ bookings in a row/);
    applier.end(state, { stoppedBecause: stop, notAttempted: 0 });
    expect(state.applied.notAttempted).toBeGreaterThan(0);
    expect(applier.failure(state)).toBe(stop);
  });

  it('stops with a reason when the database fails to record the answers', async () => {
    const ctx = fake<JobContext>({ runId: 'r', auditMany: () => Promise.resolve() });
    const broken = new BookingApplier(
      fake<BookerClient>({
        calls: 0,
        createBooking: () => Promise.resolve({ id: 1, foundAfterLostAnswer: false }),
      }),
      fake<LinkRepository>({
        writeLinks: () => Promise.reject(new Error('connection lost')),
      }),
      fake<ConflictsService>(),
      config,
    );
    const r = run([create('A')]);
    const state = broken.start(ctx, r);
    expect(await broken.applyBatch(ctx, r.changes, state, r)).toMatch(
      /database failed while recording Booker's answers: connection lost/,
    );
  });
});

/**
 * Bookings of ours in each other's way, against a one-room Booker: bookings are hours of one day,
 * and a booking overlapping another is refused (409) with the ids in its way, as Booker does.
 */
describe("BookingApplier: bookings of ours in each other's way", () => {
  const at = (hour: number) => `2025-10-20T${String(hour).padStart(2, '0')}:00:00+01:00`;
  const hourOf = (iso: string) => Number(iso.slice(11, 13));

  function moveTo(id: string, bookingId: number, hour: number): EventChange {
    const booking = desired(id);
    const request = { ...booking.request, start: at(hour), end: at(hour + 1) };
    return {
      kind: 'update',
      reference: booking.reference,
      bookingId,
      booking: { ...booking, request, hash: hashRequest(request), startMs: Date.parse(request.start) },
    };
  }

  /** `initial`: booking id -> its hour; ids from 900 are someone else's. */
  async function apply(
    initial: Record<number, number>,
    changes: EventChange[],
    /** An error for a call (`update 1`, `create termtime:A@R1`) at its nth attempt, instead of Booker's answer. */
    refuse?: (call: string, attempt: number) => Error | undefined,
  ) {
    const hours = new Map(Object.entries(initial).map(([id, hour]) => [Number(id), hour]));
    const calls: string[] = [];
    const attempts = new Map<string, number>();
    const refused = (call: string) => {
      const attempt = (attempts.get(call) ?? 0) + 1;
      attempts.set(call, attempt);
      calls.push(call);
      return refuse?.(call, attempt);
    };
    let next = 500;
    const inTheWay = (hour: number, self?: number) =>
      [...hours].filter(([id, h]) => h === hour && id !== self).map(([id]) => id);
    const { applier, ctx, written } = setup({
      updateBooking: async (id: number, input: BookingInput) => {
        await Promise.resolve();
        const error = refused(`update ${id}`);
        if (error !== undefined) throw error;
        const blockers = inTheWay(hourOf(input.start), id);
        if (blockers.length > 0) throw new BookerConflictError(`updating booking ${id}`, blockers, 'overlap');
        hours.set(id, hourOf(input.start));
      },
      createBooking: async (input: BookingInput) => {
        await Promise.resolve();
        const error = refused(`create ${input.externalReference}`);
        if (error !== undefined) throw error;
        const blockers = inTheWay(hourOf(input.start));
        if (blockers.length > 0) throw new BookerConflictError('creating booking', blockers, 'overlap');
        hours.set(++next, hourOf(input.start));
        return { id: next, foundAfterLostAnswer: false };
      },
      cancelBooking: async (id: number) => {
        await Promise.resolve();
        calls.push(`cancel ${id}`);
        hours.delete(id);
      },
    });
    const decision = {
      bookingsById: new Map(
        [...hours].map(([id, hour]) => [
          id,
          { title: `b${id}`, start: at(hour), end: at(hour + 1), ours: id < 900 },
        ]),
      ),
      plan: { linkFixes: [] },
    } as unknown as EventsDecision;
    const r: EventsRun = { runId: 'r', plan: decision, changes, limits: null };
    const state = applier.start(ctx, r);
    const stop = await applier.applyBatch(ctx, changes, state, r);
    applier.end(state, { notAttempted: 0 });
    const hourOfReference = (reference: string) => {
      const link = written.flatMap((w) => w.upserts).find((l) => l.reference === reference);
      return link === undefined ? undefined : hours.get(link.bookingId);
    };
    return { stop, applied: state.applied, calls, hours, written: written[0], hourOfReference };
  }

  it('two bookings swapping slots: one is cancelled and made anew, both end in their new slots', async () => {
    const result = await apply({ 1: 9, 2: 10 }, [moveTo('A', 1, 10), moveTo('B', 2, 9)]);
    expect(result.stop).toBeUndefined();
    expect(result.applied).toMatchObject({ updated: 2, failed: 0, cancelled: 0, created: 0 });
    expect(result.calls.filter((call) => call.startsWith('cancel'))).toEqual(['cancel 1']);
    expect(result.hourOfReference('termtime:A@R1')).toBe(10);
    expect(result.hourOfReference('termtime:B@R1')).toBe(9);
    expect([...result.hours.values()].sort()).toEqual([10, 9].sort());
    expect(result.written?.audits.map((a) => `${a.action} ${a.entityId}`).sort()).toEqual([
      'essm.booking.cancelled 1',
      'essm.booking.moved 501',
      'essm.booking.updated 2',
    ]);
  });

  it('a cycle of three moves in one run', async () => {
    const result = await apply({ 1: 9, 2: 10, 3: 11 }, [
      moveTo('A', 1, 10),
      moveTo('B', 2, 11),
      moveTo('C', 3, 9),
    ]);
    expect(result.applied).toMatchObject({ updated: 3, failed: 0 });
    expect(result.calls.filter((call) => call.startsWith('cancel'))).toHaveLength(1);
    expect(result.hourOfReference('termtime:A@R1')).toBe(10);
    expect(result.hourOfReference('termtime:B@R1')).toBe(11);
    expect(result.hourOfReference('termtime:C@R1')).toBe(9);
  });

  it('a chain: each moves once the one in its way has moved, nothing is cancelled', async () => {
    const result = await apply({ 1: 9, 2: 10, 3: 11 }, [
      moveTo('A', 1, 10),
      moveTo('B', 2, 11),
      moveTo('C', 3, 12),
    ]);
    expect(result.applied).toMatchObject({ updated: 3, failed: 0 });
    expect(result.calls.some((call) => call.startsWith('cancel'))).toBe(false);
    expect(Object.fromEntries(result.hours)).toEqual({ 1: 10, 2: 11, 3: 12 });
  });

  it('a chain whose end is blocked by a booking not ours cancels nothing: all stay where they are, refused', async () => {
    const result = await apply({ 1: 9, 2: 10, 3: 11, 900: 12 }, [
      moveTo('A', 1, 10),
      moveTo('B', 2, 11),
      moveTo('C', 3, 12),
    ]);
    expect(result.applied).toMatchObject({ updated: 0, failed: 3 });
    expect(result.calls.some((call) => call.startsWith('cancel') || call.startsWith('create'))).toBe(false);
    expect(Object.fromEntries(result.hours)).toEqual({ 1: 9, 2: 10, 3: 11, 900: 12 });
    expect(result.written?.removals).toEqual([]);
  });

  it('a chain into a swap cancels only a booking on the cycle', async () => {
    // B (10) and C (11) swap; A (9) wants 10, where B is, and waits for it.
    const result = await apply({ 1: 8, 2: 10, 3: 11 }, [
      moveTo('A', 1, 10),
      moveTo('B', 2, 11),
      moveTo('C', 3, 10),
    ]);
    // A and C both want 10, so one of them is refused in the end; A is never cancelled.
    expect(result.calls).not.toContain('cancel 1');
    expect(result.calls.filter((call) => call.startsWith('cancel'))).toHaveLength(1);
    expect(result.applied).toMatchObject({ updated: 2, failed: 1 });
    expect(result.hours.get(1)).toBe(8);
    expect(result.hourOfReference('termtime:B@R1')).toBe(11);
    expect(result.hourOfReference('termtime:C@R1')).toBe(10);
  });

  it('a cancelled booking that cannot be made anew loses its link (the next run creates it), audited', async () => {
    const result = await apply({ 1: 9, 2: 10 }, [moveTo('A', 1, 10), moveTo('B', 2, 9)], (call) =>
      call === 'create termtime:A@R1'
        ? new BookerValidationError('creating booking', { start: ['refused'] }, 'refused')
        : undefined,
    );
    expect(result.applied).toMatchObject({ updated: 1, failed: 1 });
    expect(result.applied.failures).toEqual([
      expect.objectContaining({
        kind: 'update',
        reference: 'termtime:A@R1',
        bookingId: 1,
        message: expect.stringContaining('making it anew failed (the next run creates it)'),
      }),
    ]);
    expect(result.written?.removals).toEqual(['termtime:A@R1']);
    expect(result.written?.upserts.map((link) => link.reference)).toEqual(['termtime:B@R1']);
    expect(result.written?.audits.map((a) => `${a.action} ${a.entityId}`).sort()).toEqual([
      'essm.booking.cancelled 1',
      'essm.booking.updated 2',
    ]);
  });

  it('stops the run when Booker refuses our credentials on a retry', async () => {
    const result = await apply(
      { 1: 9, 2: 10 },
      [moveTo('A', 1, 10), moveTo('B', 2, 11), create('C')],
      (call, attempt) =>
        call === 'update 1' && attempt === 2
          ? new BookerAuthError('updating booking 1', 'token refused', 401)
          : undefined,
    );
    expect(result.stop).toContain('Booker refused our credentials');
    // The batch's creations are not attempted after the stop.
    expect(result.calls.some((call) => call.startsWith('create'))).toBe(false);
  });
});
