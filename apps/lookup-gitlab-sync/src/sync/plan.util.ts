import { type GitLabUser, type ManagedState, isManagedState } from '../gitlab/gitlab.types.js';
import type { LookupPerson } from '../lookup/lookup.types.js';
import { crsidFromExternUid, crsidFromUsername } from './crsid.util.js';

export const EXTERNAL_USERNAME_PREFIX = 'external-';
/** How many unknown CRSids a plan lists (the count covers all of them). */
export const UNKNOWN_CRSIDS_LISTED = 100;

export interface PlanInput {
  users: GitLabUser[];
  /** Lookup's answer by CRSid; a CRSid absent here is unknown to Lookup (not cancelled). */
  people: Map<string, LookupPerson>;
  /**
   * Users this service blocked for being cancelled in Lookup (from our database): GitLab user id ->
   * the CRSid they were blocked for (null if none was recorded, which never allows an unblock).
   */
  blockedByUs: ReadonlyMap<number, string | null>;
  identityProvider: string;
  externalInactiveMonths: number;
  now: Date;
}

export type ChangeReason = 'cancelled_in_lookup' | 'external_inactive' | 'no_longer_cancelled';

export type PlannedChange = {
  action: 'block' | 'unblock';
  userId: number;
  username: string;
  crsid: string | null;
  reason: ChangeReason;
  /** The user's state when read (before the change). */
  state: ManagedState;
};

export interface PlanCounts {
  /** Every user read from GitLab. */
  usersRead: number;
  /** Bots, in any state: never touched. */
  bots: number;
  /** Non-bot users in a state other than active or blocked (ldap_blocked, deactivated...): never touched. */
  otherStates: number;
  /** Non-bot users that are active or blocked: the population the rules (and safety ratios) apply to. */
  considered: number;
  /** Considered users that are active. */
  active: number;
  /** Considered users that are blocked. */
  blocked: number;
  /** Considered users with a CRSid. */
  withCrsid: number;
  /** Considered users with no CRSid and no `external-` username: counted and left alone. */
  noCrsid: number;
  /** Considered users whose username starts with `external-`. */
  external: number;
  /** Considered users with a CRSid that Lookup returns as cancelled. */
  cancelled: number;
  /** Considered users with a CRSid that Lookup does not return. */
  unknownInLookup: number;
  /** Users no rule looks at: bots + otherStates + noCrsid. */
  skipped: number;
  toBlock: number;
  toUnblock: number;
}

export interface Plan {
  /** Sorted by userId. */
  changes: PlannedChange[];
  counts: PlanCounts;
  /** Distinct CRSids Lookup did not return, in user order, the first `UNKNOWN_CRSIDS_LISTED`. */
  unknownCrsids: string[];
}

/**
 * The CRSid of a GitLab user: from their identity with `provider === identityProvider` (its
 * `extern_uid` lower-cased, `@cam.ac.uk` removed), else from a username that is a CRSid, else
 * from a `<group>-admin-<crsid>` username; null when none gives a valid CRSid.
 */
export function crsidOf(user: GitLabUser, identityProvider: string): string | null {
  for (const identity of user.identities) {
    if (identity.provider !== identityProvider) continue;
    const crsid = crsidFromExternUid(identity.extern_uid);
    if (crsid !== null) return crsid;
  }
  return crsidFromUsername(user.username);
}

/** Users the sync may act on: not a bot, and active or blocked. */
export function isConsidered(user: GitLabUser): boolean {
  return !user.bot && isManagedState(user.state);
}

export function isExternalUsername(username: string): boolean {
  return username.startsWith(EXTERNAL_USERNAME_PREFIX);
}

/**
 * True when the user's last activity (or creation, if never active) is on a calendar day (UTC)
 * before the same day `months` months before `now`: exactly `months` months ago is not yet inactive.
 */
export function isInactiveSince(user: GitLabUser, months: number, now: Date): boolean {
  const reference = user.last_activity_on ?? new Date(user.created_at).toISOString().slice(0, 10);
  return reference < utcDayMonthsBefore(now, months);
}

/** `now`'s UTC calendar day minus `months` months, as YYYY-MM-DD (the 31st becomes the month's last day). */
export function utcDayMonthsBefore(now: Date, months: number): string {
  const monthIndex = now.getUTCFullYear() * 12 + now.getUTCMonth() - months;
  const year = Math.floor(monthIndex / 12);
  const month = monthIndex - year * 12;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const day = Math.min(now.getUTCDate(), lastDay);
  return `${String(year).padStart(4, '0')}-${String(month + 1).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/**
 * The changes the rules call for, from a complete snapshot of GitLab and Lookup. Pure.
 * - block an active user whom Lookup returns as cancelled;
 * - block an active `external-*` user inactive for more than `externalInactiveMonths`;
 * - unblock a blocked user that we blocked for being cancelled, whose CRSid now is the one we
 *   blocked them for and which Lookup now returns as not cancelled (unless they would at once be
 *   blocked again as an inactive external); if an administrator changed the user's identity since,
 *   the user stays blocked: the CRSid we blocked for may still be cancelled;
 * - nothing else: bots, other states, users without a CRSid, CRSids unknown to Lookup, and users
 *   blocked by anyone else are left alone.
 */
export function planSync(input: PlanInput): Plan {
  const counts: PlanCounts = {
    usersRead: 0,
    bots: 0,
    otherStates: 0,
    considered: 0,
    active: 0,
    blocked: 0,
    withCrsid: 0,
    noCrsid: 0,
    external: 0,
    cancelled: 0,
    unknownInLookup: 0,
    skipped: 0,
    toBlock: 0,
    toUnblock: 0,
  };
  const changes: PlannedChange[] = [];
  const unknown = new Set<string>();

  for (const user of input.users) {
    counts.usersRead += 1;
    if (user.bot) {
      counts.bots += 1;
      continue;
    }
    const state = user.state;
    if (!isManagedState(state)) {
      counts.otherStates += 1;
      continue;
    }
    counts.considered += 1;
    counts[state] += 1;

    const external = isExternalUsername(user.username);
    if (external) counts.external += 1;
    const crsid = crsidOf(user, input.identityProvider);
    const person = crsid === null ? undefined : input.people.get(crsid);
    if (crsid === null) {
      if (!external) counts.noCrsid += 1;
    } else {
      counts.withCrsid += 1;
      if (person === undefined) {
        counts.unknownInLookup += 1;
        if (unknown.size < UNKNOWN_CRSIDS_LISTED) unknown.add(crsid);
      } else if (person.cancelled) {
        counts.cancelled += 1;
      }
    }

    const inactiveExternal = external && isInactiveSince(user, input.externalInactiveMonths, input.now);
    const base = { userId: user.id, username: user.username, crsid, state };
    switch (state) {
      case 'active':
        if (person?.cancelled === true) {
          changes.push({ ...base, action: 'block', reason: 'cancelled_in_lookup' });
        } else if (inactiveExternal) {
          changes.push({ ...base, action: 'block', reason: 'external_inactive' });
        }
        break;
      case 'blocked':
        if (
          crsid !== null &&
          input.blockedByUs.get(user.id) === crsid &&
          person?.cancelled === false &&
          !inactiveExternal
        ) {
          changes.push({ ...base, action: 'unblock', reason: 'no_longer_cancelled' });
        }
        break;
    }
  }

  changes.sort((a, b) => a.userId - b.userId);
  counts.toBlock = changes.filter((change) => change.action === 'block').length;
  counts.toUnblock = changes.length - counts.toBlock;
  counts.skipped = counts.bots + counts.otherStates + counts.noCrsid;
  return { changes, counts, unknownCrsids: [...unknown] };
}
