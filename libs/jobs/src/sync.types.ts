import type { JobContext, JobOutcome } from './job.types.js';
import type { SafetyLimits } from './safety.util.js';

/** An email to operators, in the app's words. */
export interface OpsEmail {
  subject: string;
  text: string;
}

/** Queues one email (EmailOutbox does). */
export interface RunMailer {
  sendEmail(message: { to: string[]; subject: string; text: string; dedupeKey: string }): Promise<unknown>;
}

export type OpsEmailKind = 'refused' | 'failed' | 'changed';

/** The last successful run's read: the yardstick of a run's read. */
export interface PreviousRead {
  runId: string;
  size: number;
}

/** How an approval run narrowed the fresh plan to what the operator approved. */
export interface ApprovalSelection {
  refusedRunId: string;
  approvedBy: string;
  /** Changes in the refused run's plan. */
  approved: number;
  /** Approved changes the fresh plan no longer calls for: not applied. */
  noLongerPlanned: number;
  /** Changes in the fresh plan that were not approved: not applied (the next run will see them). */
  notApproved: number;
}

/** An operator's approval of a refused run, as the approval endpoint hands it to the job. */
export interface Approval {
  refusedRunId: string;
  approvedBy: string;
  /** The change keys of the refused run's plan. */
  approvedKeys: readonly string[];
}

/** What a sync run decided before changing anything. */
export interface SyncRun<Plan, Change> {
  runId: string;
  /** The app's plan from the snapshot. */
  plan: Plan;
  /** What this run applies: the whole plan, or for an approval its intersection with the approved one. */
  changes: Change[];
  /** The limits the run is held to; null for an approval (the operator approved the size). */
  limits: SafetyLimits | null;
  approval?: ApprovalSelection;
  /** Set when the read itself was implausibly small (the read floor): refused before the limits. */
  refusedBecause?: string;
}

/** How the end of the apply went, as the runner saw it. */
export interface ApplyEnding {
  /** Why the apply stopped before the end (a failure the app reported, a lost lock, an error). */
  stoppedBecause?: string;
  /** Changes never attempted because it stopped. */
  notAttempted: number;
}

/**
 * Applies a plan one batch at a time. The runner checks the run lock before each batch and stops
 * at the first reason to stop; `Applied` is the app's own tally, which the batches add to.
 */
export interface SyncApplier<Plan, Change, Applied> {
  batchSize: number;
  /** A fresh tally for this run. */
  start(ctx: JobContext, run: SyncRun<Plan, Change>): Applied;
  /** Before the first batch (e.g. record what earlier runs left pending); a reason to stop, or undefined. */
  begin?(ctx: JobContext, run: SyncRun<Plan, Change>, applied: Applied): Promise<string | undefined>;
  /** Applies one batch, adding to `applied`; a reason to stop (a failure that concerns every change), or undefined. */
  applyBatch(
    ctx: JobContext,
    batch: Change[],
    applied: Applied,
    run: SyncRun<Plan, Change>,
  ): Promise<string | undefined>;
  /** Called once, after the last batch or the stop. */
  end(applied: Applied, ending: ApplyEnding): void;
  /** Why a run that applied to the end still counts as failed (e.g. every change refused), or undefined. */
  failure?(applied: Applied): string | undefined;
}

/** The app's words for its operators (see opsEmails). */
export interface SyncWords<Plan, Change, Applied> {
  refused(run: SyncRun<Plan, Change>, reason: string): OpsEmail;
  failed(runId: string, error: string, applied: Applied | undefined): OpsEmail;
  /** After a run that changed something; null: no email (nothing changed, or not wanted). */
  changed?(run: SyncRun<Plan, Change>, applied: Applied): OpsEmail | null;
}

/**
 * Who is told what, and what the summary records of it (`N`: e.g. true when the email is in the
 * outbox). The runner calls it only for a real run: never for a dry run. It must not throw: a
 * notification that cannot be queued must not replace the run's own outcome.
 */
export interface SyncNotifier<Plan, Change, Applied, N> {
  refused(ctx: JobContext, run: SyncRun<Plan, Change>, reason: string): Promise<N>;
  failed?(ctx: JobContext, error: string, applied: Applied | undefined): Promise<N>;
  /** After a run that applied to the end; undefined: nobody was told. */
  changed?(ctx: JobContext, run: SyncRun<Plan, Change>, applied: Applied): Promise<N | undefined>;
}

/** How a run that got past its read ended, for the describer. */
export type SyncEnding = 'refused' | 'dry_run' | 'applied' | 'failed';

/**
 * A sync job as its app declares it: typed pieces (read, plan, apply one batch, describe, words).
 * The runner (SyncRunner.run) owns everything generic: read floor, safety limits, dry run, refusal
 * with its stored plan, approval, batches under the run lock, failure mapping and the emails.
 */
export interface SyncDefinition<Snapshot, Plan, Change, Applied, Summary extends object, N = boolean> {
  /** Reads everything the plan needs, changing nothing; throws when any read fails (the run fails). */
  read(ctx: JobContext): Promise<Snapshot>;
  /**
   * A read far smaller than the last successful run's points to a truncated or empty read, in
   * which things look gone: below `minRatio` of it the run is refused (not for an approval).
   * `minRatio` 0 turns it off.
   */
  readFloor?: { minRatio: number; size(snapshot: Snapshot): number };
  /**
   * A run that ends on what it read, before planning (bad input, nothing changed since the last
   * run): its outcome; undefined to go on. Notifying whoever must hear of it is its own business.
   */
  conclude?(snapshot: Snapshot, ctx: JobContext): Promise<JobOutcome<Summary> | undefined>;
  /** Decides, changing nothing; `refused` tells it the run is refused already (it may skip costly reads). */
  plan(snapshot: Snapshot, ctx: JobContext, refused: boolean): Promise<Plan>;
  changes(plan: Plan): Change[];
  /** The population the change ratio is taken of. */
  considered(plan: Plan): number;
  limits: SafetyLimits;
  /** A refusal rule of the app's beyond the limits (e.g. a sheet that would delete everything), or null. */
  refusal?(plan: Plan): string | null;
  /**
   * True when `refusal` is a safety limit of the app's (essm-sync's cancellation limits): an
   * operator's approval goes past it as it goes past `limits`. Otherwise (the default) the rule holds
   * on an approved run too (covid-pool's "the sheet would delete every student").
   */
  refusalApprovable?: boolean;
  /**
   * Identifies a change across runs (e.g. `42:block`): a refused plan is stored by these keys and an
   * approval applies the fresh changes whose key it approved. Without it no plan is stored.
   */
  changeKey?(change: Change): string;
  apply: SyncApplier<Plan, Change, Applied>;
  /** The run's summary (without the runner's own fields). Pure. */
  describe(run: SyncRun<Plan, Change>, applied: Applied | undefined, ending: SyncEnding): Summary;
  notifier: SyncNotifier<Plan, Change, Applied, N>;
  /** Why a read of `read` items, below the floor of `previous`, is refused (the runner has a default). */
  readFloorReason?(read: number, previous: PreviousRead, minRatio: number): string;
  /** The audit action recorded when an approval run starts applying (e.g. `gitlab_sync.run.approved`). */
  approvalAuditAction?: string;
}

/** The summary of a sync run: the app's, plus what the runner adds. */
export type SyncSummary<S extends object, N = boolean> = S & {
  refusedBecause?: string;
  dryRun?: true;
  /** What became of the notification this run sent (e.g. true: the email is in the outbox). */
  notified?: N;
};

export type SyncOutcome<S extends object, N = boolean> = JobOutcome<SyncSummary<S, N>>;
