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
    auditMany: () => Promise.resolve(),
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
