import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  type Approval,
  type JobContext,
  opsEmails,
  type SyncDefinition,
  type SyncOutcome,
  SyncRunner,
} from '@app/jobs';
import { EmailOutbox } from '@app/notifications';
import { ConflictsService } from '../conflicts/conflicts.service.js';
import type { Conflict } from '../conflicts/conflicts.util.js';
import { ESSM_CONFIG, type EssmSyncConfig } from '../config.js';
import { BookingApplier, type BookingApplyState } from './booking-applier.service.js';
import type { EventsDecision, EventsRun } from './events-decision.js';
import { eventsFailedEmail, eventsRefusedEmail } from './events-email.util.js';
import {
  cancellationRefusal,
  type EventChange,
  eventChangeKey,
  bookingsInTheWay,
  planEventsFromIndex,
} from './events-plan.util.js';
import { EventsReader, type EventsSnapshot, windowInstants } from '../timetable/events-reader.service.js';
import { LinkRepository } from '../timetable/link.repository.js';
import { describeEventsRun, type EventsRunSummary } from './events-summary.util.js';

/** The read, with the pre-flight's overlaps within TermTime, worked out while Booker was read. */
export type EventsRead = EventsSnapshot & { termtimeConflicts?: Conflict[] };

export type EventsSyncDefinition = SyncDefinition<
  EventsRead,
  EventsDecision,
  EventChange,
  BookingApplyState,
  EventsRunSummary
>;

/**
 * sync-events on the sync runner: read TermTime, Booker and our links whole (or fail, changing
 * nothing); the pre-flight and the plan on the same read; the limits (EVENTS_MAX_CHANGE_RATIO of
 * the bookings in play, and the cancellation limits as this app's refusal rule); then cancellations,
 * updates and creations in batches; refused and failed runs emailed to OPS_EMAIL.
 */
@Injectable()
export class EventsSyncService {
  readonly definition: EventsSyncDefinition;
  private readonly logger = new Logger('EventsSync');

  constructor(
    private readonly runner: SyncRunner,
    reader: EventsReader,
    conflicts: ConflictsService,
    applier: BookingApplier,
    links: LinkRepository,
    outbox: EmailOutbox,
    @Inject(ESSM_CONFIG) config: EssmSyncConfig,
  ) {
    const cancelLimits = {
      maxCancelRatio: config.EVENTS_MAX_CANCEL_RATIO,
      ...(config.EVENTS_MAX_CANCELLATIONS === undefined
        ? {}
        : { maxCancellations: config.EVENTS_MAX_CANCELLATIONS }),
    };
    const emails = opsEmails<EventsDecision, EventChange, BookingApplyState>(outbox, config.OPS_EMAIL, {
      refused: eventsRefusedEmail,
      failed: (runId, error, applied) => eventsFailedEmail(runId, error, applied?.applied),
    });
    this.definition = {
      read: async () => {
        let termtimeConflicts: Conflict[] | undefined;
        const snapshot = await reader.read(async (desired) => {
          termtimeConflicts = await conflicts.termtimeOverlapsInSlices(desired);
        });
        return { ...snapshot, termtimeConflicts };
      },
      plan: async (snapshot) => {
        const decision = decide(snapshot, conflicts);
        await withEventIds(decision.plan.changes, links);
        return decision;
      },
      changes: (decision) => decision.plan.changes,
      considered: (decision) =>
        Math.max(1, decision.plan.counts.desired + decision.plan.counts.cancellations),
      limits: { maxChangeRatio: config.EVENTS_MAX_CHANGE_RATIO },
      refusal: (decision) => cancellationRefusal(decision.plan, cancelLimits),
      // An operator's approval goes past these limits as it does past the change ratio.
      refusalApprovable: true,
      changeKey: eventChangeKey,
      apply: applier,
      describe: (run, applied, ending) => describeEventsRun(run, applied?.applied, ending),
      notifier: {
        ...emails,
        // A refused run's pre-flight is stored and its new conflicts emailed, as an applied run's
        // are (the applier does it before its first batch): GET /conflicts shows the latest.
        refused: async (ctx, run, reason) => {
          await recordRefusedConflicts(ctx, run, conflicts, this.logger);
          return emails.refused(ctx, run, reason);
        },
      },
      approvalAuditAction: 'essm.sync_events.approved',
    };
  }

  run(ctx: JobContext): Promise<SyncOutcome<EventsRunSummary>> {
    return this.runner.run(ctx, this.definition);
  }

  runApproved(ctx: JobContext, approval: Approval): Promise<SyncOutcome<EventsRunSummary>> {
    return this.runner.run(ctx, this.definition, approval);
  }
}

/** The cancellations of links whose event left TermTime get the event ids of their link (read now). */
async function withEventIds(changes: readonly EventChange[], links: LinkRepository): Promise<void> {
  const gone: Extract<EventChange, { kind: 'cancel' }>[] = [];
  for (const change of changes) if (change.kind === 'cancel' && change.why === 'gone') gone.push(change);
  if (gone.length === 0) return;
  const eventIds = await links.eventIdsOf(gone.map((change) => change.reference));
  for (const change of gone) change.eventIds = eventIds.get(change.reference) ?? change.eventIds;
}

/** Stores a refused run's pre-flight report (emailing new conflicts); never throws (logged). */
async function recordRefusedConflicts(
  ctx: JobContext,
  run: EventsRun,
  conflicts: ConflictsService,
  logger: Logger,
): Promise<void> {
  try {
    await conflicts.record(ctx, run.plan.conflicts);
  } catch (error) {
    logger.error({
      event: 'preflight_report_not_stored',
      runId: ctx.runId,
      error: error instanceof Error ? error.message : String(error),
    });
  }
}

/** The decision from a snapshot: the bookings called for, the pre-flight and the plan. Pure. */
export function decide(snapshot: EventsRead, conflicts: ConflictsService): EventsDecision {
  const { desired } = snapshot;
  const { from, to } = windowInstants(snapshot.window);
  const plan = planEventsFromIndex(snapshot.index, {
    skipped: desired.skipped,
    window: { fromMs: from.getTime(), toMs: to.getTime() },
    linkedElsewhere: snapshot.linkedElsewhere,
  });
  return {
    window: snapshot.window,
    plan,
    skipped: desired.skipped,
    conflicts: conflicts.report(desired, snapshot, snapshot.termtimeConflicts),
    bookingsById: bookingsInTheWay(snapshot.bookings, plan.changes),
    read: {
      activities: snapshot.activities,
      eventsInRooms: desired.eventsInRooms,
      bookings: snapshot.bookings.length,
      links: snapshot.links.length,
      lookedUp: snapshot.lookedUp,
      calls: snapshot.calls,
      readMs: snapshot.readMs,
    },
  };
}
