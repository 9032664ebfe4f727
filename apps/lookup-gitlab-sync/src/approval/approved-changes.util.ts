import type { PlannedChange } from '../sync/plan.util.js';

export interface ApprovedChange {
  userId: number;
  action: PlannedChange['action'];
}

export interface Intersection {
  /** Changes of the fresh plan that the operator approved (same user, same action), fresh plan's order. */
  changes: PlannedChange[];
  /** Approved changes the fresh plan no longer calls for. */
  noLongerPlanned: number;
  /** Fresh changes the operator did not approve. */
  notApproved: number;
}

/**
 * What an approval may apply: only what both the approved (refused) plan and a fresh plan call
 * for. A user whose situation changed since (no longer cancelled, blocked by hand) drops out; a
 * change that appeared since was never approved and waits for the next run.
 */
export function intersectApproved(
  fresh: readonly PlannedChange[],
  approved: readonly ApprovedChange[],
): Intersection {
  const key = (change: ApprovedChange) => `${change.userId}:${change.action}`;
  const approvedKeys = new Set(approved.map(key));
  const changes = fresh.filter((change) => approvedKeys.has(key(change)));
  return {
    changes,
    noLongerPlanned: approvedKeys.size - changes.length,
    notApproved: fresh.length - changes.length,
  };
}
