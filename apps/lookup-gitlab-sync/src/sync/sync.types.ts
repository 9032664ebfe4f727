import type { ApprovalSelection, SyncRun } from '@app/jobs';
import type { ChangeReason, Plan, PlannedChange } from './plan.util.js';

export const SYNC_JOB = 'sync';

/** A row of `gitlab_sync.blocked_user`: a block of ours that still stands as far as we know. */
export interface OurBlock {
  userId: number;
  username: string;
  crsid: string | null;
  reason: ChangeReason;
}

/** A block of ours whose user GitLab no longer shows as blocked (someone unblocked or removed them). */
export interface StaleBlock extends OurBlock {
  /** The user's state now, or null when GitLab answers 404 for the user (gone). */
  stateNow: string | null;
}

/** A `sync_action` row still `pending`: sent (or about to be) by a run that did not record GitLab's answer. */
export interface PendingAction extends OurBlock {
  id: bigint;
  runId: string;
  action: PlannedChange['action'];
  at: Date;
}

/** How a pending action is settled from GitLab's state now. */
export interface Settlement {
  pending: PendingAction;
  outcome: 'applied' | 'failed';
  message: string;
  /** The user's state now (null: gone from GitLab). */
  stateNow: string | null;
}

/** The state of each user the run knows about: read in the list, or confirmed by `GET /users/:id` (null: 404). */
export type StateOf = (userId: number) => string | null | undefined;

/** What a run found and decided from its snapshot, before the runner selects what to apply. */
export interface SyncDecision {
  /** The full plan from the snapshot. */
  plan: Plan;
  /** Blocks of ours whose user GitLab shows, now, in a state other than blocked (or gone): released. */
  staleBlocks: StaleBlock[];
  /** Pending actions of earlier runs, settled from GitLab's state now. */
  settlements: Settlement[];
  /** HTTP requests the snapshot made. */
  calls: { gitlab: number; lookup: number };
  snapshotMs: number;
}

/** Everything a run decided before changing anything: the decision and the runner's selection. */
export interface SyncPlan extends SyncDecision {
  /** What this run applies: the whole plan, or for an approval its intersection with the approved one. */
  changes: PlannedChange[];
  approval?: ApprovalSelection;
  /** Set when the run was refused before the limits were checked (a read far smaller than the last). */
  refusedBecause?: string;
}

/** The runner's view of a run, as the summary, the emails and the applier read it. */
export function syncPlanOf(run: SyncRun<SyncDecision, PlannedChange>): SyncPlan {
  return {
    ...run.plan,
    changes: run.changes,
    ...(run.approval === undefined ? {} : { approval: run.approval }),
    ...(run.refusedBecause === undefined ? {} : { refusedBecause: run.refusedBecause }),
  };
}

/** `in_doubt`: sent, but no usable answer (none, a 5xx, a page GitLab never sends): the row stays pending. */
export type ChangeResult = 'applied' | 'failed' | 'unchanged' | 'in_doubt';

/** What GitLab did with one planned change. */
export interface ChangeOutcome {
  change: PlannedChange;
  result: ChangeResult;
  status?: number;
  message?: string;
}

export interface ApplyResult {
  applied: number;
  failed: number;
  unchanged: number;
  /** Sent without a usable answer: GitLab may have made them; recorded `pending` for the next run. */
  inDoubt: number;
  /** Made by GitLab, but the database failed before they were recorded (rows left `pending`). */
  unrecorded: number;
  /** Changes not attempted because the run stopped (a GitLab failure that concerns every user). */
  notAttempted: number;
  releasedBlocks: number;
  /** Pending actions of earlier runs settled (recorded as applied or failed). */
  settled: number;
  /** Applied changes, in order, for the summary and the email. */
  appliedChanges: PlannedChange[];
  failures: {
    userId: number;
    username: string;
    action: PlannedChange['action'];
    status?: number;
    message?: string;
  }[];
  /** Set when the run stopped before the end: the reason. */
  aborted?: string;
  calls: { gitlab: number };
  applyMs: number;
}
