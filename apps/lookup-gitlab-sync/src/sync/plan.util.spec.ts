import { describe, expect, it } from '@jest/globals';
import type { GitLabUser } from '../gitlab/gitlab.types.js';
import type { LookupPerson } from '../lookup/lookup.types.js';
import { type PlanInput, type PlannedChange, planSync } from './plan.util.js';

const PROVIDER = 'saml';
const NOW = new Date('2026-06-15T12:00:00Z');
// 24 months before NOW is 2024-06-15: activity on that day is not yet "older than 24 months".

function user(overrides: Partial<GitLabUser> & { id?: number; username?: string } = {}): GitLabUser {
  return {
    id: 1,
    username: 'ab123',
    name: 'A Person',
    state: 'active',
    bot: false,
    last_activity_on: '2026-06-01',
    created_at: '2019-01-01T10:00:00Z',
    identities: [],
    note: null,
    ...overrides,
  };
}

function person(crsid: string, cancelled: boolean): LookupPerson {
  return { crsid, cancelled };
}

function plan(overrides: Partial<PlanInput>) {
  return planSync({
    users: [],
    people: new Map(),
    blockedByUs: new Map(),
    identityProvider: PROVIDER,
    externalInactiveMonths: 24,
    now: NOW,
    ...overrides,
  });
}

type Case = {
  name: string;
  user: GitLabUser;
  people?: LookupPerson[];
  /** Blocks of ours: user id -> the CRSid recorded when we blocked them. */
  blockedByUs?: Record<number, string | null>;
  months?: number;
  expected: Pick<PlannedChange, 'action' | 'reason' | 'crsid'> | null;
};

const cases: Case[] = [
  {
    name: 'blocks an active user cancelled in Lookup',
    user: user(),
    people: [person('ab123', true)],
    expected: { action: 'block', reason: 'cancelled_in_lookup', crsid: 'ab123' },
  },
  {
    name: 'leaves an active user who is not cancelled',
    user: user(),
    people: [person('ab123', false)],
    expected: null,
  },
  {
    name: 'does nothing for a cancelled user who is already blocked',
    user: user({ state: 'blocked' }),
    people: [person('ab123', true)],
    expected: null,
  },
  {
    name: 'unblocks a user we blocked who is no longer cancelled',
    user: user({ state: 'blocked' }),
    people: [person('ab123', false)],
    blockedByUs: { 1: 'ab123' },
    expected: { action: 'unblock', reason: 'no_longer_cancelled', crsid: 'ab123' },
  },
  {
    name: 'keeps blocked a user we blocked for another CRSid (identity changed since), though the new one is not cancelled',
    user: user({ state: 'blocked', identities: [{ provider: PROVIDER, extern_uid: 'cd456' }] }),
    people: [person('cd456', false), person('ab123', true)],
    blockedByUs: { 1: 'ab123' },
    expected: null,
  },
  {
    name: 'keeps blocked a user we blocked for another CRSid, even when neither is cancelled now',
    user: user({ state: 'blocked', identities: [{ provider: PROVIDER, extern_uid: 'cd456' }] }),
    people: [person('cd456', false), person('ab123', false)],
    blockedByUs: { 1: 'ab123' },
    expected: null,
  },
  {
    name: 'keeps blocked a user we blocked with no CRSid recorded',
    user: user({ state: 'blocked' }),
    people: [person('ab123', false)],
    blockedByUs: { 1: null },
    expected: null,
  },
  {
    name: 'keeps blocked a user we blocked who is still cancelled',
    user: user({ state: 'blocked' }),
    people: [person('ab123', true)],
    blockedByUs: { 1: 'ab123' },
    expected: null,
  },
  {
    name: 'keeps blocked a user we blocked whose CRSid Lookup no longer returns',
    user: user({ state: 'blocked' }),
    people: [],
    blockedByUs: { 1: 'ab123' },
    expected: null,
  },
  {
    name: 'never unblocks a user blocked by an administrator (not blocked by us)',
    user: user({ state: 'blocked' }),
    people: [person('ab123', false)],
    blockedByUs: { 2: 'ab123' },
    expected: null,
  },
  {
    name: 'never unblocks an ldap_blocked user, even one we once blocked',
    user: user({ state: 'ldap_blocked' }),
    people: [person('ab123', false)],
    blockedByUs: { 1: 'ab123' },
    expected: null,
  },
  {
    name: 'leaves an ldap_blocked cancelled user',
    user: user({ state: 'ldap_blocked' }),
    people: [person('ab123', true)],
    expected: null,
  },
  {
    name: 'leaves a deactivated cancelled user',
    user: user({ state: 'deactivated' }),
    people: [person('ab123', true)],
    expected: null,
  },
  {
    name: 'leaves a blocked_pending_approval cancelled user',
    user: user({ state: 'blocked_pending_approval' }),
    people: [person('ab123', true)],
    expected: null,
  },
  {
    name: 'leaves a bot whose CRSid is cancelled',
    user: user({ bot: true }),
    people: [person('ab123', true)],
    expected: null,
  },
  { name: 'takes no action on a CRSid unknown to Lookup', user: user(), people: [], expected: null },
  {
    name: 'blocks an inactive external by last_activity_on',
    user: user({ username: 'external-jo', last_activity_on: '2024-06-14' }),
    expected: { action: 'block', reason: 'external_inactive', crsid: null },
  },
  {
    name: 'leaves an external exactly at the boundary (24 months to the day)',
    user: user({ username: 'external-jo', last_activity_on: '2024-06-15' }),
    expected: null,
  },
  {
    name: 'leaves a recently active external created long ago',
    user: user({
      username: 'external-jo',
      last_activity_on: '2026-01-01',
      created_at: '2015-01-01T00:00:00Z',
    }),
    expected: null,
  },
  {
    name: 'blocks a never-active external by created_at',
    user: user({ username: 'external-jo', last_activity_on: null, created_at: '2024-06-14T23:59:00Z' }),
    expected: { action: 'block', reason: 'external_inactive', crsid: null },
  },
  {
    name: 'leaves a never-active external created exactly at the boundary',
    user: user({ username: 'external-jo', last_activity_on: null, created_at: '2024-06-15T00:00:00Z' }),
    expected: null,
  },
  {
    name: 'leaves a never-active external created recently',
    user: user({ username: 'external-jo', last_activity_on: null, created_at: '2026-05-01T00:00:00Z' }),
    expected: null,
  },
  {
    name: 'honours externalInactiveMonths',
    user: user({ username: 'external-jo', last_activity_on: '2025-05-14' }),
    months: 12,
    expected: { action: 'block', reason: 'external_inactive', crsid: null },
  },
  {
    name: 'leaves an inactive external that is already blocked',
    user: user({ username: 'external-jo', state: 'blocked', last_activity_on: '2020-01-01' }),
    expected: null,
  },
  {
    name: 'leaves an inactive external bot',
    user: user({ username: 'external-bot', bot: true, last_activity_on: '2020-01-01' }),
    expected: null,
  },
  {
    name: 'applies the inactivity rule only to external-* usernames',
    user: user({ username: 'svc_builder', last_activity_on: '2020-01-01' }),
    expected: null,
  },
  {
    name: 'gives the cancelled reason when an external is both cancelled and inactive',
    user: user({
      username: 'external-jo',
      last_activity_on: '2020-01-01',
      identities: [{ provider: PROVIDER, extern_uid: 'jo42@cam.ac.uk' }],
    }),
    people: [person('jo42', true)],
    expected: { action: 'block', reason: 'cancelled_in_lookup', crsid: 'jo42' },
  },
  {
    name: 'does not unblock an external we blocked if it would be blocked again as inactive',
    user: user({
      username: 'external-jo',
      state: 'blocked',
      last_activity_on: '2020-01-01',
      identities: [{ provider: PROVIDER, extern_uid: 'jo42' }],
    }),
    people: [person('jo42', false)],
    blockedByUs: { 1: 'jo42' },
    expected: null,
  },
  {
    name: 'finds the CRSid from the identity (upper case, @cam.ac.uk)',
    user: user({ username: 'jo.bloggs', identities: [{ provider: PROVIDER, extern_uid: 'JB99@cam.ac.uk' }] }),
    people: [person('jb99', true)],
    expected: { action: 'block', reason: 'cancelled_in_lookup', crsid: 'jb99' },
  },
  {
    name: 'finds the CRSid from a <group>-admin-<crsid> username',
    user: user({ username: 'hpc-admin-jb99' }),
    people: [person('jb99', true)],
    expected: { action: 'block', reason: 'cancelled_in_lookup', crsid: 'jb99' },
  },
];

describe('planSync', () => {
  it.each(cases)('$name', ({ user: u, people = [], blockedByUs = {}, months = 24, expected }) => {
    const result = plan({
      users: [u],
      people: new Map(people.map((p) => [p.crsid, p])),
      blockedByUs: new Map(Object.entries(blockedByUs).map(([id, crsid]) => [Number(id), crsid])),
      externalInactiveMonths: months,
    });
    if (expected === null) {
      expect(result.changes).toEqual([]);
    } else {
      expect(result.changes).toEqual([{ ...expected, userId: u.id, username: u.username, state: u.state }]);
    }
  });

  it('counts every population and sorts changes by user id', () => {
    const users = [
      user({ id: 9, username: 'zz9' }), // active, cancelled -> block
      user({ id: 3, username: 'yy3', state: 'blocked' }), // blocked by us, not cancelled -> unblock
      user({ id: 5, username: 'xx5' }), // unknown in Lookup
      user({ id: 6, username: 'xx6', state: 'blocked' }), // blocked by someone else, cancelled
      user({ id: 7, username: 'project_7_bot', bot: true }),
      user({ id: 8, username: 'ww8', state: 'ldap_blocked' }),
      user({ id: 2, username: 'external-old', last_activity_on: '2020-02-02' }), // -> block
      user({ id: 4, username: 'svc_ci' }), // no CRSid
      user({ id: 10, username: 'hpc-admin-xx5' }), // same unknown CRSid again
    ];
    const people = new Map([
      ['zz9', person('zz9', true)],
      ['yy3', person('yy3', false)],
      ['xx6', person('xx6', true)],
      ['ww8', person('ww8', true)],
    ]);
    const result = plan({ users, people, blockedByUs: new Map([[3, 'yy3']]) });
    expect(result.changes.map((c) => [c.userId, c.action, c.reason])).toEqual([
      [2, 'block', 'external_inactive'],
      [3, 'unblock', 'no_longer_cancelled'],
      [9, 'block', 'cancelled_in_lookup'],
    ]);
    expect(result.counts).toEqual({
      usersRead: 9,
      bots: 1,
      otherStates: 1,
      considered: 7,
      active: 5,
      blocked: 2,
      withCrsid: 5,
      noCrsid: 1,
      external: 1,
      cancelled: 2,
      unknownInLookup: 2,
      skipped: 3,
      toBlock: 2,
      toUnblock: 1,
    });
    expect(result.unknownCrsids).toEqual(['xx5']);
  });

  it('lists at most 100 unknown CRSids but counts all of them', () => {
    const users = Array.from({ length: 150 }, (_, i) => user({ id: i + 1, username: `u${i + 1}` }));
    const result = plan({ users });
    expect(result.counts.unknownInLookup).toBe(150);
    expect(result.unknownCrsids).toHaveLength(100);
    expect(result.unknownCrsids[0]).toBe('u1');
  });
});
