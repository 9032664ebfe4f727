import { Inject, Injectable } from '@nestjs/common';
import { createLimiter, type Limiter } from '@app/http';
import type { ApplyEnding, AuditInput, JobContext, SyncApplier } from '@app/jobs';
import {
  BookerAuthError,
  BookerClient,
  BookerConflictError,
  BookerError,
  BookerNotFoundError,
} from '../booker/booker.client.js';
import { ConflictsService } from '../conflicts/conflicts.service.js';
import { ESSM_CONFIG, type EssmSyncConfig } from '../config.js';
import { LinkRepository } from '../timetable/link.repository.js';
import type { BookingFailure, EventsApplied, EventsDecision, EventsRun } from './events-decision.js';
import type { EventChange, RecreatedBecause } from './events-plan.util.js';
import type { BookingLink, DesiredBooking } from '../timetable/events.types.js';

/** Changes per database write (links and audit rows in one transaction after the batch's calls). */
export const BOOKING_BATCH = 200;
/** Failures in a row other than 409s after which the run stops: a cause common to every booking. */
export const MAX_FAILURES_IN_ROW = 25;
/** Times an update refused only by bookings of ours that have since moved is tried again in a run. */
export const OWN_CONFLICT_RETRIES = 2;

type UpdateChange = Extract<EventChange, { kind: 'update' }>;

export interface BookingApplyState {
  applied: EventsApplied;
  limiter: Limiter;
  total: number;
  sent: number;
  failuresInRow: number;
  note: string;
  startedAt: number;
  callsBefore: number;
}

/** `audits`: changes made on the way (a booking cancelled before it was made anew), audited either way. */
type Outcome =
  | { ok: true; link?: BookingLink; remove?: string; audit: AuditInput; audits?: AuditInput[] }
  | { ok: false; failure: BookingFailure; remove?: string; stop?: string; audits?: AuditInput[] };

function linkOf(reference: string, bookingId: number, booking: DesiredBooking): BookingLink {
  return {
    reference,
    bookingId,
    hash: booking.hash,
    roomCode: booking.members[0]?.roomCode ?? '',
    eventIds: booking.members.map((member) => member.eventId),
    startsAt: new Date(booking.startMs),
  };
}

function briefly(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return (
    message
      .split('\n')
      .filter((line) => line.trim() !== '')
      .at(-1)
      ?.slice(0, 300) ?? message
  );
}

/** What happened in Booker to a booking made anew, in an audit's reason. */
const RECREATED_REASON: Record<RecreatedBecause, string> = {
  missing: 'was deleted',
  cancelled: 'was cancelled',
  not_ours: 'was given an ExternalReference not ours (left as it is)',
};

/**
 * Applies the events plan to Booker: cancellations, then updates, then creations within each batch
 * (the plan is in that order), at most EVENTS_APPLY_CONCURRENCY calls in flight. A 409 or another
 * refusal of one booking is recorded (with the bookings in the way) and the run goes on; the next
 * run plans that booking again. Booker refusing our credentials, or MAX_FAILURES_IN_ROW failures
 * in a row, stops the run. Links and audit rows are written after each batch in one transaction;
 * a booking made but not yet linked is found by its reference next time, never made twice.
 */
@Injectable()
export class BookingApplier implements SyncApplier<EventsDecision, EventChange, BookingApplyState> {
  readonly batchSize = BOOKING_BATCH;

  constructor(
    private readonly booker: BookerClient,
    private readonly repository: LinkRepository,
    private readonly conflicts: ConflictsService,
    @Inject(ESSM_CONFIG) private readonly config: EssmSyncConfig,
  ) {}

  start(_ctx: JobContext, run: EventsRun): BookingApplyState {
    const { approval } = run;
    return {
      applied: {
        created: 0,
        recreated: 0,
        updated: 0,
        cancelled: 0,
        adopted: 0,
        droppedLinks: 0,
        failed: 0,
        notAttempted: 0,
        failures: [],
        newConflicts: 0,
        calls: { booker: 0 },
        applyMs: 0,
      },
      limiter: createLimiter(this.config.EVENTS_APPLY_CONCURRENCY),
      total: run.changes.length,
      sent: 0,
      failuresInRow: 0,
      note:
        approval === undefined
          ? ''
          : `; approved by ${approval.approvedBy} (refused run ${approval.refusedRunId})`,
      startedAt: Date.now(),
      callsBefore: this.booker.calls,
    };
  }

  /** The pre-flight report, then the link fixes (adoptions, dropped links) that need no call. */
  async begin(ctx: JobContext, run: EventsRun, state: BookingApplyState): Promise<string | undefined> {
    try {
      state.applied.newConflicts = await this.conflicts.record(ctx, run.plan.conflicts);
    } catch (error) {
      return `the database failed while storing the pre-flight report: ${briefly(error)}`;
    }
    const fixes = run.plan.plan.linkFixes;
    if (fixes.length === 0) return undefined;
    const upserts: BookingLink[] = [];
    const removals: string[] = [];
    const audits: AuditInput[] = [];
    for (const fix of fixes) {
      if (fix.kind === 'adopt') {
        upserts.push(linkOf(fix.reference, fix.bookingId, fix.booking));
        audits.push({
          action: 'essm.booking.adopted',
          entityType: 'booker_booking',
          entityId: String(fix.bookingId),
          after: { reference: fix.reference },
          reason: `our booking found in Booker by its reference with no link (a run stopped before linking it)${state.note}`,
        });
      } else {
        removals.push(fix.reference);
        audits.push({
          action: 'essm.link.dropped',
          entityType: 'booker_booking',
          entityId: String(fix.bookingId),
          before: { reference: fix.reference },
          reason:
            (fix.why === 'not_ours'
              ? 'the event left TermTime and its booking was given an ExternalReference not ours in Booker (left as it is)'
              : 'the event left TermTime and its booking is already cancelled or gone in Booker') +
            state.note,
        });
      }
    }
    try {
      await this.repository.writeLinks(ctx.runId, upserts, removals, (tx) => ctx.auditMany(audits, tx));
    } catch (error) {
      return `the database failed while recording adopted and dropped links: ${briefly(error)}`;
    }
    state.applied.adopted = upserts.length;
    state.applied.droppedLinks = removals.length;
    return undefined;
  }

  async applyBatch(
    ctx: JobContext,
    batch: EventChange[],
    state: BookingApplyState,
    run: EventsRun,
  ): Promise<string | undefined> {
    const outcomesOf = new Map<EventChange, Outcome>();
    let stop: string | undefined;
    for (const kind of ['cancel', 'update', 'create'] as const) {
      const ofKind = batch.filter((change) => change.kind === kind);
      await Promise.all(
        ofKind.map((change) =>
          state.limiter.run(async () => {
            if (stop !== undefined) return;
            state.sent += 1;
            const outcome = await this.applyOne(change, run.plan, state.note);
            outcomesOf.set(change, outcome);
            if (outcome.ok) {
              state.failuresInRow = 0;
              return;
            }
            if (outcome.failure.status !== 409) state.failuresInRow += 1;
            stop ??= outcome.stop;
            if (state.failuresInRow >= MAX_FAILURES_IN_ROW) {
              stop ??=
                `Booker failed ${state.failuresInRow} bookings in a row (the last: ${outcome.failure.message}), ` +
                'which points to a cause common to every booking: stopped';
            }
          }),
        ),
      );
      if (stop !== undefined) break;
      if (kind === 'update') {
        const updates = ofKind.filter((change): change is UpdateChange => change.kind === 'update');
        stop ??= await this.settleOwnConflicts(updates, outcomesOf, run, state);
        if (stop !== undefined) break;
      }
    }
    const outcomes = [...outcomesOf.values()];
    this.tally(state.applied, outcomes);
    const upserts = outcomes.flatMap((o) => (o.ok && o.link !== undefined ? [o.link] : []));
    const removals = outcomes.flatMap((o) => (o.remove !== undefined ? [o.remove] : []));
    const audits = outcomes.flatMap((o) => [...(o.audits ?? []), ...(o.ok ? [o.audit] : [])]);
    try {
      await this.repository.writeLinks(ctx.runId, upserts, removals, (tx) => ctx.auditMany(audits, tx));
    } catch (error) {
      return `the database failed while recording Booker's answers: ${briefly(error)}`;
    }
    return stop;
  }

  end(state: BookingApplyState, ending: ApplyEnding): void {
    const { applied } = state;
    if (ending.stoppedBecause !== undefined) applied.aborted = ending.stoppedBecause;
    applied.notAttempted = state.total - state.sent;
    applied.calls.booker = this.booker.calls - state.callsBefore;
    applied.applyMs = Date.now() - state.startedAt;
  }

  failure(state: BookingApplyState): string | undefined {
    return state.applied.aborted;
  }

  private tally(applied: EventsApplied, outcomes: readonly Outcome[]): void {
    for (const outcome of outcomes) {
      if (!outcome.ok) {
        applied.failed += 1;
        applied.failures.push(outcome.failure);
        continue;
      }
      switch (outcome.audit.action) {
        case 'essm.booking.created':
          applied.created += 1;
          break;
        case 'essm.booking.recreated':
          applied.recreated += 1;
          break;
        case 'essm.booking.updated':
        case 'essm.booking.moved':
          applied.updated += 1;
          break;
        default:
          applied.cancelled += 1;
      }
    }
  }

  /**
   * Updates that Booker refused (409) only because of bookings of ours this batch moves too. Each is
   * tried again once the bookings in its way have moved (a chain: A moves into B's old slot while B
   * moves on). Where they stand in each other's way (two events swapping slots in a room, or a longer
   * cycle), no order of updates works: one booking on the cycle is cancelled, the others then move,
   * and it is made anew in its new slot (two calls instead of one, and a new booking id, both
   * audited). Only a booking on a cycle is ever cancelled: a chain whose end cannot move (someone
   * else's booking in its way, a failure) stays as it is, refused, for the next run. If making a
   * cancelled one anew fails, its link is dropped and the next run creates it: never lost from the
   * plan. A cycle split between two batches is not seen here; the next run, with only those updates
   * left, settles it. Returns why the run stops, if Booker refused our credentials meanwhile.
   */
  private async settleOwnConflicts(
    updates: readonly UpdateChange[],
    outcomesOf: Map<EventChange, Outcome>,
    run: EventsRun,
    state: BookingApplyState,
  ): Promise<string | undefined> {
    let stop: string | undefined;
    const moving = new Set(updates.map((update) => update.bookingId));
    const moved = new Set(updates.filter((u) => outcomesOf.get(u)?.ok === true).map((u) => u.bookingId));
    const inTheWay = (update: UpdateChange): number[] | undefined => {
      const outcome = outcomesOf.get(update);
      if (outcome === undefined || outcome.ok || outcome.failure.status !== 409) return undefined;
      const blockers = outcome.failure.conflictingBookings ?? [];
      if (blockers.length === 0 || !blockers.every((b) => b.ours && moving.has(b.id))) return undefined;
      return blockers.map((b) => b.id);
    };
    const retries = new Map<UpdateChange, number>();
    /** Updates whose booking was cancelled to break a cycle, with the audit of that cancellation. */
    const parked = new Map<UpdateChange, AuditInput>();
    /** The updates in the way of the last one cancelled, round the cycle: they move first. */
    let cycle = new Set<UpdateChange>();
    while (stop === undefined) {
      const waiting = updates.filter((u) => inTheWay(u) !== undefined && !parked.has(u));
      const ready = waiting.filter(
        (u) =>
          (retries.get(u) ?? 0) < OWN_CONFLICT_RETRIES && (inTheWay(u) ?? []).every((id) => moved.has(id)),
      );
      // A cycle's own bookings take the slot freed for them before any other waiting for it.
      const onCycleFirst = ready.filter((u) => cycle.has(u));
      const now = onCycleFirst.length > 0 ? onCycleFirst : ready;
      if (now.length > 0) {
        await Promise.all(
          now.map((update) =>
            state.limiter.run(async () => {
              retries.set(update, (retries.get(update) ?? 0) + 1);
              const outcome = await this.applyOne(update, run.plan, state.note);
              outcomesOf.set(update, outcome);
              if (outcome.ok) moved.add(update.bookingId);
              else stop ??= outcome.stop;
            }),
          ),
        );
        continue;
      }
      const waitingById = new Map(waiting.map((u) => [u.bookingId, u]));
      /** The waiting updates in the way of `start`, those in theirs, and so on. */
      const behind = (start: UpdateChange): Set<UpdateChange> => {
        const found = new Set<UpdateChange>();
        const next = [...(inTheWay(start) ?? [])];
        for (let id = next.pop(); id !== undefined; id = next.pop()) {
          const blocking = waitingById.get(id);
          if (blocking === undefined || found.has(blocking)) continue;
          found.add(blocking);
          next.push(...(inTheWay(blocking) ?? []));
        }
        return found;
      };
      // Only a booking on a cycle (in the way of one in its own way, round to it) is cancelled.
      const pick = waiting.find(
        (u) => (inTheWay(u) ?? []).every((id) => waitingById.has(id)) && behind(u).has(u),
      );
      if (pick === undefined) break;
      cycle = behind(pick);
      const cancelled = await this.park(pick, state.note);
      if (!cancelled.ok) {
        // Could not be cancelled: it stays in the way; the others' refusals stand.
        outcomesOf.set(pick, cancelled);
        continue;
      }
      parked.set(pick, cancelled.audit);
      moved.add(pick.bookingId);
    }
    await Promise.all(
      [...parked].map(([update, cancelAudit]) =>
        state.limiter.run(async () => {
          const outcome = await this.remake(update, cancelAudit, run.plan, state.note);
          outcomesOf.set(update, outcome);
          if (!outcome.ok) stop ??= outcome.stop;
        }),
      ),
    );
    return stop;
  }

  /**
   * Cancels an update's booking to break a cycle: the cancellation's audit (the link stays until the
   * booking is made anew), or the failure to cancel as the update's outcome.
   */
  private async park(update: UpdateChange, note: string): Promise<Outcome> {
    try {
      await this.booker.cancelBooking(update.bookingId);
    } catch (error) {
      if (!(error instanceof BookerNotFoundError))
        return {
          ok: false,
          failure: {
            kind: 'update',
            reference: update.reference,
            bookingId: update.bookingId,
            ...(error instanceof BookerError && error.status !== undefined ? { status: error.status } : {}),
            message: `could not be cancelled to let the bookings of ours in its way move${note}: ${briefly(error)}`,
          },
        };
    }
    return {
      ok: true,
      audit: {
        action: 'essm.booking.cancelled',
        entityType: 'booker_booking',
        entityId: String(update.bookingId),
        before: { reference: update.reference, roomCode: update.booking.members[0]?.roomCode ?? '' },
        after: { status: 'Cancelled' },
        reason: `its event moved into the slot of another booking of ours that moves into its own: cancelled, to be made anew${note}`,
      },
    };
  }

  /** Makes a parked update's booking anew in its new slot. */
  private async remake(
    update: UpdateChange,
    cancelAudit: AuditInput,
    decision: EventsDecision,
    note: string,
  ): Promise<Outcome> {
    const outcome = await this.applyOne(
      { kind: 'create', reference: update.reference, booking: update.booking },
      decision,
      note,
    );
    if (!outcome.ok) {
      return {
        ...outcome,
        failure: {
          ...outcome.failure,
          kind: 'update',
          bookingId: update.bookingId,
          message: `cancelled to let bookings of ours in its way move, then making it anew failed (the next run creates it): ${outcome.failure.message}`,
        },
        remove: update.reference,
        audits: [cancelAudit],
      };
    }
    return {
      ...outcome,
      audit: {
        ...outcome.audit,
        action: 'essm.booking.moved',
        before: { bookingId: update.bookingId, reference: update.reference },
        reason: `its TermTime event changed into the slot of another booking of ours: booking ${update.bookingId} cancelled and this one made in its place${note}`,
      },
      audits: [cancelAudit],
    };
  }

  private async applyOne(change: EventChange, decision: EventsDecision, note: string): Promise<Outcome> {
    const bookingId = change.kind === 'create' ? undefined : change.bookingId;
    try {
      switch (change.kind) {
        case 'cancel':
          try {
            await this.booker.cancelBooking(change.bookingId);
          } catch (error) {
            // Gone already: what the cancellation wanted.
            if (!(error instanceof BookerNotFoundError)) throw error;
          }
          return {
            ok: true,
            remove: change.reference,
            audit: {
              action: 'essm.booking.cancelled',
              entityType: 'booker_booking',
              entityId: String(change.bookingId),
              before: { reference: change.reference, eventIds: change.eventIds, roomCode: change.roomCode },
              after: { status: 'Cancelled' },
              reason:
                (change.why === 'gone'
                  ? 'its TermTime event is no longer scheduled in this room'
                  : 'a booking of ours that no TermTime event calls for') + note,
            },
          };
        case 'update':
          await this.booker.updateBooking(change.bookingId, change.booking.request);
          return {
            ok: true,
            link: linkOf(change.reference, change.bookingId, change.booking),
            audit: {
              action: 'essm.booking.updated',
              entityType: 'booker_booking',
              entityId: String(change.bookingId),
              after: change.booking.request,
              reason: `its TermTime event changed${note}`,
            },
          };
        case 'create': {
          const created = await this.booker.createBooking(change.booking.request);
          const recreated = change.recreates !== undefined;
          return {
            ok: true,
            link: linkOf(change.reference, created.id, change.booking),
            audit: {
              action: recreated ? 'essm.booking.recreated' : 'essm.booking.created',
              entityType: 'booker_booking',
              entityId: String(created.id),
              ...(recreated ? { before: change.recreates } : {}),
              after: change.booking.request,
              reason:
                (recreated
                  ? `our booking ${change.recreates?.bookingId} ${RECREATED_REASON[change.recreates?.status ?? 'missing']} in Booker while its event is still scheduled`
                  : 'a TermTime event scheduled in this room') +
                (created.foundAfterLostAnswer ? '; found by its reference after a lost answer' : '') +
                note,
            },
          };
        }
      }
    } catch (error) {
      const failure: BookingFailure = {
        kind: change.kind,
        reference: change.reference,
        ...(bookingId === undefined ? {} : { bookingId }),
        message: briefly(error),
      };
      if (error instanceof BookerError && error.status !== undefined) failure.status = error.status;
      if (error instanceof BookerConflictError) {
        failure.conflictingBookings = error.conflictingBookingIds.map((id) => {
          const booking = decision.bookingsById.get(id);
          return {
            id,
            title: booking?.title ?? '(not in the bookings read)',
            start: booking?.start ?? '',
            end: booking?.end ?? '',
            ours: booking?.ours ?? false,
          };
        });
      }
      if (error instanceof BookerNotFoundError && change.kind === 'update') {
        // Deleted since we read Booker: drop the link, the next run re-creates it.
        return { ok: false, failure, remove: change.reference };
      }
      if (error instanceof BookerAuthError) {
        return { ok: false, failure, stop: `Booker refused our credentials: ${failure.message}` };
      }
      return { ok: false, failure };
    }
  }
}
