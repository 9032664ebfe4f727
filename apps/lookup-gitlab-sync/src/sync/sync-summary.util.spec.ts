import { describe, expect, it } from '@jest/globals';
import type { Plan, PlannedChange } from './plan.util.js';
import { allowedChanges, describeRun, emptyApplyResult, SUMMARY_PLAN_LIMIT } from './sync-summary.util.js';
import type { ApplyResult, SyncPlan } from './sync.types.js';

function change(userId: number, action: PlannedChange['action'] = 'block'): PlannedChange {
  return {
    userId,
    action,
    username: `u${userId}`,
    crsid: `ab${userId}`,
    reason: action === 'block' ? 'cancelled_in_lookup' : 'no_longer_cancelled',
    state: action === 'block' ? 'active' : 'blocked',
  };
}

function syncPlan(changes: PlannedChange[], considered = 1000): SyncPlan {
  const plan = {
    changes,
    unknownCrsids: ['zz1'],
    counts: { usersRead: considered + 5, considered, cancelled: changes.length },
  } as unknown as Plan;
  return {
    plan,
    changes,
    staleBlocks: [],
    settlements: [],
    calls: { gitlab: 11, lookup: 5 },
    snapshotMs: 12,
  };
}

describe('allowedChanges', () => {
  it.each([
    [{ maxChangeRatio: 0.05 }, 100, 5],
    [{ maxChangeRatio: 0.05 }, 99, 4],
    [{ maxChangeRatio: 0.05 }, 47_000, 2350],
    [{ maxChangeRatio: 0.05, maxChanges: 3 }, 100, 3],
    [{ maxChangeRatio: 0.5, maxChanges: 300 }, 100, 50],
    [{ maxChanges: 0 }, 100, 0],
    [{}, 100, null],
  ])('%j of %i considered -> %p', (limits, considered, expected) => {
    expect(allowedChanges(limits, considered)).toBe(expected);
  });
});

describe('describeRun', () => {
  it('describes a plan that was not applied: counts, limits, entries by action', () => {
    const summary = describeRun(syncPlan([change(1), change(2, 'unblock')]), undefined, {
      maxChangeRatio: 0.05,
    });
    expect(summary).toMatchObject({
      counts: { considered: 1000, planned: 2, applied: 0, failed: 0, unchanged: 0, notAttempted: 0 },
      limits: { maxChangeRatio: 0.05, maxChanges: null, allowedChanges: 50 },
      plan: {
        total: 2,
        listed: 2,
        toBlock: [
          { userId: 1, username: 'u1', crsid: 'ab1', reason: 'cancelled_in_lookup', state: 'active' },
        ],
        toUnblock: [
          { userId: 2, username: 'u2', crsid: 'ab2', reason: 'no_longer_cancelled', state: 'blocked' },
        ],
      },
      unknownCrsids: ['zz1'],
      apiCalls: { gitlab: 11, lookup: 5 },
      failures: [],
    });
    expect(summary).not.toHaveProperty('aborted');
  });

  it('counts and lists the blocks released and the pending actions settled', () => {
    const sync: SyncPlan = {
      ...syncPlan([]),
      staleBlocks: [
        { userId: 7, username: 'u7', crsid: 'ab7', reason: 'cancelled_in_lookup', stateNow: 'active' },
        { userId: 8, username: 'u8', crsid: 'ab8', reason: 'cancelled_in_lookup', stateNow: null },
      ],
      settlements: [
        {
          pending: {
            id: 5n,
            runId: 'r0',
            userId: 9,
            username: 'u9',
            crsid: 'ab9',
            action: 'block',
            reason: 'cancelled_in_lookup',
            at: new Date('2026-01-01T00:00:00Z'),
          },
          outcome: 'applied',
          stateNow: 'blocked',
          message: 'found made',
        },
      ],
    };
    expect(describeRun(sync, undefined, { maxChangeRatio: 0.05 })).toMatchObject({
      counts: { released: 2, settled: 1 },
      releases: [
        { userId: 7, username: 'u7', stateNow: 'active' },
        { userId: 8, username: 'u8', stateNow: null },
      ],
      settlements: [
        { userId: 9, action: 'block', pendingSinceRun: 'r0', outcome: 'applied', stateNow: 'blocked' },
      ],
    });
  });

  it('lists at most SUMMARY_PLAN_LIMIT entries but counts them all', () => {
    const many = Array.from({ length: SUMMARY_PLAN_LIMIT + 7 }, (_, i) => change(i + 1));
    const summary = describeRun(syncPlan(many, 100_000), undefined, { maxChangeRatio: 0.001 }) as {
      plan: { total: number; listed: number; toBlock: unknown[] };
    };
    expect(summary.plan).toMatchObject({ total: SUMMARY_PLAN_LIMIT + 7, listed: SUMMARY_PLAN_LIMIT });
    expect(summary.plan.toBlock).toHaveLength(SUMMARY_PLAN_LIMIT);
  });

  it('adds what was applied, and says there was no limit for an approval', () => {
    const applied: ApplyResult = {
      ...emptyApplyResult(),
      applied: 1,
      failed: 1,
      releasedBlocks: 2,
      appliedChanges: [change(1)],
      failures: [{ userId: 2, username: 'u2', action: 'block', status: 403, message: 'Forbidden' }],
      aborted: 'GitLab: HTTP 502',
      calls: { gitlab: 2 },
      applyMs: 3,
    };
    const sync = {
      ...syncPlan([change(1), change(2)]),
      approval: {
        refusedRunId: 'r',
        approvedBy: 'ops@example.org',
        approved: 2,
        noLongerPlanned: 0,
        notApproved: 0,
      },
    };
    expect(describeRun(sync, applied, null)).toMatchObject({
      counts: { planned: 2, applied: 1, failed: 1 },
      limits: { none: 'an operator approved this plan', approvedBy: 'ops@example.org' },
      approval: { refusedRunId: 'r' },
      releasedBlocks: 2,
      failures: [{ userId: 2, status: 403 }],
      aborted: 'GitLab: HTTP 502',
      apiCalls: { gitlab: 13, lookup: 5 },
    });
  });
});
