import { describe, expect, it } from '@jest/globals';
import type { PlannedChange } from '../sync/plan.util.js';
import { type ApprovedChange, intersectApproved } from './approved-changes.util.js';

function change(userId: number, action: PlannedChange['action']): PlannedChange {
  return {
    userId,
    action,
    username: `u${userId}`,
    crsid: `ab${userId}`,
    reason: action === 'block' ? 'cancelled_in_lookup' : 'no_longer_cancelled',
    state: action === 'block' ? 'active' : 'blocked',
  };
}

describe('intersectApproved', () => {
  it.each<[string, PlannedChange[], ApprovedChange[], number[], number, number]>([
    ['nothing approved applies nothing', [change(1, 'block')], [], [], 0, 1],
    [
      'the same plan applies whole',
      [change(1, 'block'), change(2, 'unblock')],
      [
        { userId: 1, action: 'block' },
        { userId: 2, action: 'unblock' },
      ],
      [1, 2],
      0,
      0,
    ],
    [
      'a change gone from the fresh plan is dropped',
      [change(1, 'block')],
      [
        { userId: 1, action: 'block' },
        { userId: 2, action: 'block' },
      ],
      [1],
      1,
      0,
    ],
    [
      'a new change is not approved',
      [change(1, 'block'), change(3, 'block')],
      [{ userId: 1, action: 'block' }],
      [1],
      0,
      1,
    ],
    [
      'the same user with another action is not approved',
      [change(1, 'unblock')],
      [{ userId: 1, action: 'block' }],
      [],
      1,
      1,
    ],
    ['an empty fresh plan applies nothing', [], [{ userId: 1, action: 'block' }], [], 1, 0],
  ])('%s', (_name, fresh, approved, applied, noLongerPlanned, notApproved) => {
    const result = intersectApproved(fresh, approved);
    expect(result.changes.map((c) => c.userId)).toEqual(applied);
    expect(result.noLongerPlanned).toBe(noLongerPlanned);
    expect(result.notApproved).toBe(notApproved);
  });

  it('keeps the fresh plan entries (fresh reason and state), not the approved ones', () => {
    const fresh = { ...change(5, 'block'), reason: 'external_inactive' as const };
    expect(intersectApproved([fresh], [{ userId: 5, action: 'block' }]).changes).toEqual([fresh]);
  });
});
