import { describe, expect, it } from '@jest/globals';
import { blocksAfterSettling, findStaleBlocks, settlePending } from './settle.util.js';
import type { OurBlock, PendingAction, StateOf } from './sync.types.js';

function pending(id: number, userId: number, action: PendingAction['action']): PendingAction {
  return {
    id: BigInt(id),
    runId: 'run-0',
    userId,
    username: `u${userId}`,
    crsid: `ab${userId}`,
    action,
    reason: action === 'block' ? 'cancelled_in_lookup' : 'no_longer_cancelled',
    at: new Date('2026-01-01T00:00:00Z'),
  };
}

function block(userId: number): OurBlock {
  return { userId, username: `u${userId}`, crsid: `ab${userId}`, reason: 'cancelled_in_lookup' };
}

const states =
  (known: Record<number, string | null>): StateOf =>
  (userId) =>
    known[userId];

describe('settlePending', () => {
  it.each<[string, PendingAction['action'], string | null | undefined, 'applied' | 'failed' | null]>([
    ['a block whose user is now blocked was made: ours', 'block', 'blocked', 'applied'],
    ['a block whose user is still active was not made', 'block', 'active', 'failed'],
    ['a block whose user is now ldap_blocked was not made by us', 'block', 'ldap_blocked', 'failed'],
    ['an unblock whose user is now active was made', 'unblock', 'active', 'applied'],
    ['an unblock whose user is still blocked was not made', 'unblock', 'blocked', 'failed'],
    ['a user GitLab answers 404 for: not made', 'block', null, 'failed'],
    ['a user the run knows nothing about stays pending', 'block', undefined, null],
  ])('%s', (_name, action, stateNow, outcome) => {
    const settled = settlePending(
      [pending(1, 10, action)],
      states(stateNow === undefined ? {} : { 10: stateNow }),
    );
    expect(settled.map((s) => s.outcome)).toEqual(outcome === null ? [] : [outcome]);
    if (outcome !== null) expect(settled[0]?.message).toContain('left pending by run run-0');
  });
});

describe('blocksAfterSettling', () => {
  it('adds blocks found made, removes ours whose unblock was found made, keeps the rest', () => {
    const settled = settlePending(
      [
        pending(1, 10, 'block'),
        pending(2, 11, 'block'),
        pending(3, 20, 'unblock'),
        pending(4, 21, 'unblock'),
      ],
      states({ 10: 'blocked', 11: 'active', 20: 'active', 21: 'blocked' }),
    );
    const after = blocksAfterSettling([block(20), block(21), block(30)], settled);
    expect(after.map((b) => b.userId)).toEqual([10, 21, 30]);
    expect(after[0]).toEqual(block(10));
  });
});

describe('findStaleBlocks', () => {
  it.each<[string, string | null | undefined, string | null | false]>([
    ['a user still blocked keeps our block', 'blocked', false],
    ['a user unblocked by hand: released', 'active', 'active'],
    ['a user now ldap_blocked: released', 'ldap_blocked', 'ldap_blocked'],
    ['a user GitLab answers 404 for: released as gone', null, null],
    ['a user merely absent from the read (not confirmed) keeps our block', undefined, false],
  ])('%s', (_name, stateNow, released) => {
    const stale = findStaleBlocks([block(5)], states(stateNow === undefined ? {} : { 5: stateNow }));
    expect(stale).toEqual(released === false ? [] : [{ ...block(5), stateNow: released }]);
  });
});
