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
  /** The user's state now, or null when GitLab no longer lists the user. */
  stateNow: string | null;
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

/** Everything a run decided before changing anything. */
export interface SyncPlan {
  /** The full plan from the snapshot. */
  plan: Plan;
  /** What this run applies: the whole plan, or for an approval its intersection with the approved one. */
  changes: PlannedChange[];
  staleBlocks: StaleBlock[];
  approval?: ApprovalSelection;
  /** HTTP requests the snapshot made. */
  calls: { gitlab: number; lookup: number };
  snapshotMs: number;
}

export type ChangeResult = 'applied' | 'failed' | 'unchanged';

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
  /** Changes not attempted because the run stopped (a GitLab failure that concerns every user). */
  notAttempted: number;
  releasedBlocks: number;
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
