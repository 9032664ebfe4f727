import { randomCrsid, randomName, seededRandom } from '../common/seeded-random.js';
import type { SimLookupPerson } from '../lookup/lookup.simulator.js';
import type { SimGitLabUser } from './gitlab.simulator.js';

/**
 * Deterministic demo and benchmark data: GitLab users and the Lookup people behind their CRSids.
 * The same options (seed and `now` included) give the same data; 50,000 users take milliseconds.
 */
export interface GenerateUsersOptions {
  total: number;
  /** Users that carry a CRSid (identity, CRSid username or `<group>-admin-<crsid>`), each a distinct CRSid. */
  withCrsid: number;
  /** Share of CRSid people that Lookup returns as cancelled. */
  cancelledFraction: number;
  /** `external-*` users (no CRSid). */
  externals: number;
  /** Share of externals whose last activity (or creation) is more than 24 months before `now`. */
  inactiveExternalFraction: number;
  seed: number;
  /** Bots (project and service-account bots); default 0.2% of `total`. */
  bots?: number;
  /** Shares of the non-bot users in other states; defaults 0.5%, 0.3%, 0.5%. */
  ldapBlockedFraction?: number;
  deactivatedFraction?: number;
  /** Blocked by an administrator (not by the sync). */
  adminBlockedFraction?: number;
  /** Share of CRSids Lookup does not know; default 0.5%. */
  unknownFraction?: number;
  /** Identity provider whose `extern_uid` holds the CRSid; default `saml`. */
  identityProvider?: string;
  now?: Date;
}

export interface GeneratedUsers {
  users: SimGitLabUser[];
  people: SimLookupPerson[];
  stats: {
    users: number;
    withCrsid: number;
    /** Distinct CRSids of active or blocked non-bot users: what the sync sends to Lookup. */
    lookupCrsids: number;
    cancelled: number;
    unknownInLookup: number;
    externals: number;
    inactiveExternals: number;
    bots: number;
    ldapBlocked: number;
    deactivated: number;
    adminBlocked: number;
  };
}

type Role = 'crsid' | 'external' | 'bot' | 'plain';

const DAY_MS = 86_400_000;
const GROUPS = ['hpc', 'uis', 'physics', 'chem', 'maths', 'devops'];

export function generateUsers(options: GenerateUsersOptions): GeneratedUsers {
  const random = seededRandom(options.seed);
  const rng = random.next;
  const { int, pick } = random;
  const now = (options.now ?? new Date()).getTime();
  const day = (daysAgo: number) => new Date(now - daysAgo * DAY_MS).toISOString().slice(0, 10);
  const dateTime = (daysAgo: number) => new Date(now - daysAgo * DAY_MS - int(0, DAY_MS - 1)).toISOString();

  const bots = options.bots ?? Math.floor(options.total * 0.002);
  const plain = options.total - options.withCrsid - options.externals - bots;
  if (plain < 0) throw new RangeError('withCrsid + externals + bots exceed total');
  const roles: Role[] = [
    ...Array<Role>(options.withCrsid).fill('crsid'),
    ...Array<Role>(options.externals).fill('external'),
    ...Array<Role>(bots).fill('bot'),
    ...Array<Role>(plain).fill('plain'),
  ];
  random.shuffle(roles);

  const ldapFraction = options.ldapBlockedFraction ?? 0.005;
  const deactivatedFraction = options.deactivatedFraction ?? 0.003;
  const adminBlockedFraction = options.adminBlockedFraction ?? 0.005;
  const unknownFraction = options.unknownFraction ?? 0.005;
  const provider = options.identityProvider ?? 'saml';
  const usedCrsids = new Set<string>();
  const newCrsid = (): string => randomCrsid(random, usedCrsids);

  const stats: GeneratedUsers['stats'] = {
    users: options.total,
    withCrsid: options.withCrsid,
    lookupCrsids: 0,
    cancelled: 0,
    unknownInLookup: 0,
    externals: options.externals,
    inactiveExternals: 0,
    bots,
    ldapBlocked: 0,
    deactivated: 0,
    adminBlocked: 0,
  };
  const users: SimGitLabUser[] = [];
  const people: SimLookupPerson[] = [];
  let id = 0;

  for (const role of roles) {
    id += rng() < 0.05 ? int(2, 4) : 1;
    const name = randomName(random);
    const createdDaysAgo = int(30, 4000);
    const activeDaysAgo = int(0, Math.min(createdDaysAgo, 700));
    const user: SimGitLabUser = {
      id,
      username: `user_${id}`,
      name,
      state: 'active',
      bot: false,
      last_activity_on: day(activeDaysAgo),
      created_at: dateTime(createdDaysAgo),
      identities: [],
    };
    if (role === 'bot') {
      user.bot = true;
      user.username = `project_${int(1, 9999)}_bot_${id.toString(16)}`;
      user.name = 'Bot';
      users.push(user);
      continue;
    }
    const stateRoll = rng();
    if (stateRoll < ldapFraction) user.state = 'ldap_blocked';
    else if (stateRoll < ldapFraction + deactivatedFraction) user.state = 'deactivated';
    else if (stateRoll < ldapFraction + deactivatedFraction + adminBlockedFraction) user.state = 'blocked';
    if (user.state === 'ldap_blocked') stats.ldapBlocked += 1;
    if (user.state === 'deactivated') stats.deactivated += 1;
    if (user.state === 'blocked') stats.adminBlocked += 1;

    switch (role) {
      case 'crsid': {
        const crsid = newCrsid();
        const source = rng();
        if (source < 0.6) {
          const externUid =
            rng() < 0.3 ? `${crsid.toUpperCase()}@cam.ac.uk` : rng() < 0.5 ? `${crsid}@cam.ac.uk` : crsid;
          user.identities = [{ provider, extern_uid: externUid }];
          user.username = rng() < 0.5 ? crsid : `${name.toLowerCase().replace(' ', '.')}${id}`;
        } else if (source < 0.92) {
          user.username = crsid;
        } else {
          user.username = `${pick(GROUPS)}-admin-${crsid}`;
        }
        if (user.state === 'active' || user.state === 'blocked') stats.lookupCrsids += 1;
        if (rng() < unknownFraction) {
          stats.unknownInLookup += 1;
        } else {
          const cancelled = rng() < options.cancelledFraction;
          if (cancelled) stats.cancelled += 1;
          people.push({ crsid, cancelled, displayName: name });
        }
        break;
      }
      case 'external': {
        user.username = `external-${name.split(' ')[0]?.toLowerCase() ?? 'guest'}-${id}`;
        if (rng() < options.inactiveExternalFraction) {
          stats.inactiveExternals += 1;
          const idleDays = int(760, 2000);
          const neverActive = rng() < 0.2;
          user.created_at = dateTime(neverActive ? idleDays : idleDays + int(0, 500));
          user.last_activity_on = neverActive ? null : day(idleDays);
        } else if (rng() < 0.1) {
          user.created_at = dateTime(int(1, 600));
          user.last_activity_on = null;
        }
        break;
      }
      case 'plain':
        break;
    }
    users.push(user);
  }
  people.sort((a, b) => (a.crsid < b.crsid ? -1 : a.crsid > b.crsid ? 1 : 0));
  return { users, people, stats };
}

/** The small data set both simulators serve in the local stack (same seed, so CRSids match). */
export function demoData(now = new Date()): GeneratedUsers {
  return generateUsers({
    total: 400,
    withCrsid: 320,
    cancelledFraction: 0.03,
    externals: 40,
    inactiveExternalFraction: 0.25,
    bots: 4,
    seed: 20_261_122,
    identityProvider: process.env['GITLAB_IDENTITY_PROVIDER'] ?? 'saml',
    now,
  });
}
