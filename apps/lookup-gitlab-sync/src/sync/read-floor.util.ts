/** The last successful run's read, the yardstick of a run's read. */
export interface PreviousRead {
  runId: string;
  usersRead: number;
}

/**
 * Why a run that read `usersRead` GitLab users must be refused, or null when the read is plausible:
 * fewer than `minRatio` of the users the last successful run read points to a truncated or empty
 * read (a proxy, a GitLab fault, a token that sees fewer users), in which users look gone. Exactly
 * at the ratio is allowed; `minRatio` 0, or no earlier read, turns the check off. Pure.
 */
export function usersReadRefusal(
  usersRead: number,
  previous: PreviousRead | null,
  minRatio: number,
): string | null {
  if (minRatio <= 0 || previous === null || previous.usersRead <= 0) return null;
  const floor = minRatio * previous.usersRead;
  if (usersRead >= floor - 1e-9) return null;
  return (
    `${usersRead} GitLab users read, fewer than ${Math.round(minRatio * 100)}% of the ` +
    `${previous.usersRead} read by the last successful run ${previous.runId} (SYNC_MIN_USERS_READ_RATIO): ` +
    'a truncated or empty read?'
  );
}
