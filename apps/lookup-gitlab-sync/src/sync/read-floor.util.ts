import type { PreviousRead } from '@app/jobs';

/**
 * Why a read of `usersRead` GitLab users, below the floor of the last successful run's, is refused:
 * a truncated or empty read (a proxy, a GitLab fault, a token that sees fewer users), in which users
 * look gone. The sync runner applies the floor (`isBelowReadFloor`); these are its words for GitLab.
 */
export function usersReadFloorReason(usersRead: number, previous: PreviousRead, minRatio: number): string {
  return (
    `${usersRead} GitLab users read, fewer than ${Math.round(minRatio * 100)}% of the ` +
    `${previous.size} read by the last successful run ${previous.runId} (SYNC_MIN_USERS_READ_RATIO): ` +
    'a truncated or empty read?'
  );
}
