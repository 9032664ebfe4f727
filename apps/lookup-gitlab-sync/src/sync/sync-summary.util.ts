import type { SafetyLimits } from '@app/jobs';
import type { PlannedChange } from './plan.util.js';
import type { ApplyResult, SyncPlan } from './sync.types.js';

/** Plan entries a run summary lists; the counts cover all (a refused plan is kept whole in the database). */
export const SUMMARY_PLAN_LIMIT = 1000;
export const SUMMARY_FAILURES_LIMIT = 100;
/** Released blocks and settled actions a summary lists. */
export const SUMMARY_RECORDS_LIMIT = 100;

export type PlanEntry = Pick<PlannedChange, 'userId' | 'username' | 'crsid' | 'reason' | 'state'>;

/** The limits a run was held to; null for an approval (the operator approved the size). */
export type RunLimits = SafetyLimits | null;

/** The most changes `limits` allow among `considered` users (exactly at a limit is allowed). */
export function allowedChanges(limits: SafetyLimits, considered: number): number | null {
  const byRatio =
    limits.maxChangeRatio === undefined ? undefined : Math.floor(limits.maxChangeRatio * considered + 1e-9);
  const candidates = [byRatio, limits.maxChanges].filter((n): n is number => n !== undefined);
  return candidates.length === 0 ? null : Math.min(...candidates);
}

function entry(change: PlannedChange): PlanEntry {
  return {
    userId: change.userId,
    username: change.username,
    crsid: change.crsid,
    reason: change.reason,
    state: change.state,
  };
}

/** The summary stored on the run record and returned by `POST /jobs/sync`. Pure. */
export function describeRun(sync: SyncPlan, applied: ApplyResult | undefined, limits: RunLimits) {
  const listed = sync.changes.slice(0, SUMMARY_PLAN_LIMIT);
  const considered = sync.plan.counts.considered;
  return {
    counts: {
      ...sync.plan.counts,
      planned: sync.changes.length,
      applied: applied?.applied ?? 0,
      failed: applied?.failed ?? 0,
      unchanged: applied?.unchanged ?? 0,
      inDoubt: applied?.inDoubt ?? 0,
      unrecorded: applied?.unrecorded ?? 0,
      notAttempted: applied?.notAttempted ?? 0,
      released: sync.staleBlocks.length,
      settled: sync.settlements.length,
    },
    limits:
      limits === null
        ? { none: 'an operator approved this plan', approvedBy: sync.approval?.approvedBy ?? null }
        : {
            maxChangeRatio: limits.maxChangeRatio ?? null,
            maxChanges: limits.maxChanges ?? null,
            allowedChanges: allowedChanges(limits, considered),
          },
    plan: {
      total: sync.changes.length,
      listed: listed.length,
      toBlock: listed.filter((c) => c.action === 'block').map(entry),
      toUnblock: listed.filter((c) => c.action === 'unblock').map(entry),
    },
    unknownCrsids: sync.plan.unknownCrsids,
    ...(sync.approval === undefined ? {} : { approval: sync.approval }),
    staleBlocks: sync.staleBlocks.length,
    releasedBlocks: applied?.releasedBlocks ?? 0,
    releases: sync.staleBlocks.slice(0, SUMMARY_RECORDS_LIMIT).map((block) => ({
      userId: block.userId,
      username: block.username,
      stateNow: block.stateNow,
    })),
    settlements: sync.settlements.slice(0, SUMMARY_RECORDS_LIMIT).map(({ pending, outcome, stateNow }) => ({
      userId: pending.userId,
      action: pending.action,
      pendingSinceRun: pending.runId,
      outcome,
      stateNow,
    })),
    failures: applied?.failures.slice(0, SUMMARY_FAILURES_LIMIT) ?? [],
    ...(applied?.aborted === undefined ? {} : { aborted: applied.aborted }),
    apiCalls: {
      gitlab: sync.calls.gitlab + (applied?.calls.gitlab ?? 0),
      lookup: sync.calls.lookup,
    },
    timings: { snapshotMs: sync.snapshotMs, applyMs: applied?.applyMs ?? 0 },
  };
}

/** The summary of a sync run, typed where it is made and where it is read. */
export type SyncRunSummary = ReturnType<typeof describeRun>;

/** What a run applied before it started: nothing. */
export function emptyApplyResult(): ApplyResult {
  return {
    applied: 0,
    failed: 0,
    unchanged: 0,
    inDoubt: 0,
    unrecorded: 0,
    notAttempted: 0,
    releasedBlocks: 0,
    settled: 0,
    appliedChanges: [],
    failures: [],
    calls: { gitlab: 0 },
    applyMs: 0,
  };
}
