import { isBelowReadFloor, type PreviousRead as PreviousRunRead } from '@app/jobs';

/** The last successful run's read, the yardstick of a run's read. */
export interface PreviousRead {
  runId: string;
  usersRead: number;
}

/** Why a read of `usersRead` GitLab users, below the floor of the last successful run's, is refused. */
export function usersReadFloorReason(usersRead: number, previous: PreviousRunRead, minRatio: number): string {
  return (
    `${usersRead} GitLab users read, fewer than ${Math.round(minRatio * 100)}% of the ` +
    `${previous.size} read by the last successful run ${previous.runId} (SYNC_MIN_USERS_READ_RATIO): ` +
    'a truncated or empty read?'
  );
}

/**
 * Why a run that read `usersRead` GitLab users must be refused, or null when the read is plausible:
 * fewer than `minRatio` of the users the last successful run read points to a truncated or empty
 * read (a proxy, a GitLab fault, a token that sees fewer users), in which users look gone. Exactly
 * at the ratio is allowed; `minRatio` 0, or no earlier read, turns the check off. Pure. (The sync
 * runner applies the floor; this is its rule and words for GitLab users.)
 */
export function usersReadRefusal(
  usersRead: number,
  previous: PreviousRead | null,
  minRatio: number,
): string | null {
  const yardstick = previous === null ? null : { runId: previous.runId, size: previous.usersRead };
  if (yardstick === null || !isBelowReadFloor(usersRead, yardstick, minRatio)) return null;
  return usersReadFloorReason(usersRead, yardstick, minRatio);
}
