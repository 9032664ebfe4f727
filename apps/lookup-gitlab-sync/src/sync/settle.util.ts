import type { OurBlock, PendingAction, Settlement, StaleBlock, StateOf } from './sync.types.js';

/**
 * Settles the `pending` actions of earlier runs (sent, but GitLab's answer was lost or not
 * recorded) from GitLab's state now. Pure. A pending block whose user is now blocked is taken as
 * ours (the same rule as a retry answered "already blocked" after a lost answer); a pending unblock
 * whose user is now active was made. A user the run knows nothing about (`stateOf` undefined)
 * stays pending for a later run; a user GitLab answers 404 for is settled as not done.
 */
export function settlePending(pending: readonly PendingAction[], stateOf: StateOf): Settlement[] {
  const settlements: Settlement[] = [];
  for (const action of [...pending].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) {
    const stateNow = stateOf(action.userId);
    if (stateNow === undefined) continue;
    const origin = `left pending by run ${action.runId} (no answer recorded)`;
    if (stateNow === null) {
      settlements.push({
        pending: action,
        outcome: 'failed',
        stateNow,
        message: `${origin}; the user is gone`,
      });
      continue;
    }
    const done = action.action === 'block' ? stateNow === 'blocked' : stateNow === 'active';
    settlements.push({
      pending: action,
      outcome: done ? 'applied' : 'failed',
      stateNow,
      message: `${origin}; GitLab now shows the user ${stateNow}${done ? '' : `: the ${action.action} was not made`}`,
    });
  }
  return settlements;
}

/** Our blocks once the settlements are recorded: blocks found made are ours, unblocks found made end ours. */
export function blocksAfterSettling(
  blocks: readonly OurBlock[],
  settlements: readonly Settlement[],
): OurBlock[] {
  const byUser = new Map(blocks.map((block) => [block.userId, block]));
  for (const { pending, outcome } of settlements) {
    if (outcome !== 'applied') continue;
    if (pending.action === 'block') {
      const { userId, username, crsid, reason } = pending;
      byUser.set(userId, { userId, username, crsid, reason });
    } else {
      byUser.delete(pending.userId);
    }
  }
  return [...byUser.values()].sort((a, b) => a.userId - b.userId);
}

/**
 * Blocks of ours whose user GitLab shows, now, in a state other than blocked, or answers 404 for:
 * someone else undid them, so we forget them. A user merely absent from the list read (a truncated
 * read) is not known (`stateOf` undefined) and keeps our block.
 */
export function findStaleBlocks(blocks: readonly OurBlock[], stateOf: StateOf): StaleBlock[] {
  const stale: StaleBlock[] = [];
  for (const block of blocks) {
    const stateNow = stateOf(block.userId);
    if (stateNow === undefined || stateNow === 'blocked') continue;
    stale.push({ ...block, stateNow });
  }
  return stale;
}
