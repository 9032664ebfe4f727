import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  daysAgo,
  job,
  person,
  PROVIDER,
  simUser,
  startSyncHarness,
  states,
  type SyncHarness,
} from './sync.harness.js';

/**
 * Each rule end to end, through the real clients and the simulators, one run after another:
 * block, leave alone, unblock, and never touch what an administrator did.
 */
describe('POST /jobs/sync: the rules, run after run', () => {
  let h: SyncHarness;

  const users = [
    simUser(1, 'ab101', { note: 'contractor until 2027' }), // cancelled -> block
    simUser(2, 'ab102'), // not cancelled -> untouched
    simUser(3, 'jane.doe3', { identities: [{ provider: PROVIDER, extern_uid: 'AB103@cam.ac.uk' }] }), // CRSid from identity, cancelled
    simUser(4, 'hpc-admin-ab104'), // group admin account of a cancelled CRSid
    simUser(5, 'external-ann-5', { last_activity_on: daysAgo(900) }), // inactive external -> block
    simUser(6, 'external-bob-6', { last_activity_on: daysAgo(10) }), // active external -> untouched
    simUser(7, 'ab107', { state: 'blocked' }), // blocked by an administrator, not cancelled -> stays blocked
    simUser(8, 'ab108', { state: 'ldap_blocked' }), // cancelled but ldap_blocked -> untouched
    simUser(9, 'zz109'), // unknown to Lookup -> untouched
    simUser(10, 'ab110', { bot: true }), // a bot, cancelled CRSid -> untouched
    simUser(11, 'Some.Person'), // no CRSid -> untouched
    simUser(12, 'ab112', { state: 'deactivated' }), // cancelled but deactivated -> untouched
    simUser(13, 'jo.bloggs13', { identities: [{ provider: 'other-idp', extern_uid: 'ab113' }] }), // another provider: no CRSid
  ];
  const people = [
    person('ab101', true),
    person('ab102', false),
    person('ab103', true),
    person('ab104', true),
    person('ab107', false),
    person('ab108', true),
    person('ab110', true),
    person('ab112', true),
    person('ab113', true),
  ];
  const ids = users.map((u) => u.id);

  beforeAll(async () => {
    h = await startSyncHarness({ SYNC_MAX_CHANGE_RATIO: '1' });
    await h.reset(users, people);
  });
  afterAll(() => h.close());

  it('first run: blocks the cancelled and the inactive external, nothing else', async () => {
    const response = await h.server().post('/jobs/sync').set(job).expect(200);
    expect(response.body).toMatchObject({ job: 'sync', status: 'succeeded', dryRun: false, error: null });
    expect(response.body.summary.counts).toMatchObject({
      usersRead: 13,
      bots: 1,
      otherStates: 2,
      considered: 10,
      cancelled: 3,
      unknownInLookup: 1,
      external: 2,
      planned: 4,
      applied: 4,
      failed: 0,
      toBlock: 4,
      toUnblock: 0,
    });
    expect(response.body.summary.plan.toBlock).toEqual([
      { userId: 1, username: 'ab101', crsid: 'ab101', reason: 'cancelled_in_lookup', state: 'active' },
      { userId: 3, username: 'jane.doe3', crsid: 'ab103', reason: 'cancelled_in_lookup', state: 'active' },
      {
        userId: 4,
        username: 'hpc-admin-ab104',
        crsid: 'ab104',
        reason: 'cancelled_in_lookup',
        state: 'active',
      },
      { userId: 5, username: 'external-ann-5', crsid: null, reason: 'external_inactive', state: 'active' },
    ]);
    expect(response.body.summary.unknownCrsids).toEqual(['zz109']);
    expect(states(h.gitlab, ids)).toEqual({
      1: 'blocked',
      2: 'active',
      3: 'blocked',
      4: 'blocked',
      5: 'blocked',
      6: 'active',
      7: 'blocked',
      8: 'ldap_blocked',
      9: 'active',
      10: 'active',
      11: 'active',
      12: 'deactivated',
      13: 'active',
    });
    expect(h.gitlab.mutations.map((m) => [m.userId, m.action])).toEqual(
      expect.arrayContaining([
        [1, 'block'],
        [3, 'block'],
        [4, 'block'],
        [5, 'block'],
      ]),
    );
    expect(h.gitlab.mutations).toHaveLength(4);
    expect(h.gitlab.user(1)?.note).toBe('contractor until 2027');

    const blocked = await h.prisma.gitLabBlockedUser.findMany({ orderBy: { userId: 'asc' } });
    expect(blocked.map((b) => [b.userId, b.crsid, b.reason, b.runId])).toEqual([
      [1, 'ab101', 'cancelled_in_lookup', response.body.id],
      [3, 'ab103', 'cancelled_in_lookup', response.body.id],
      [4, 'ab104', 'cancelled_in_lookup', response.body.id],
      [5, null, 'external_inactive', response.body.id],
    ]);
    const actions = await h.prisma.gitLabSyncAction.findMany({ where: { runId: response.body.id } });
    expect(actions.map((a) => a.outcome)).toEqual(['applied', 'applied', 'applied', 'applied']);
    const audits = await h.prisma.auditEvent.findMany({
      where: { runId: response.body.id },
      orderBy: { entityId: 'asc' },
    });
    expect(audits.map((a) => [a.action, a.entityId, a.before, a.after, a.actor])).toEqual([
      ['gitlab.user.block', '1', { state: 'active' }, { state: 'blocked' }, 'token:job'],
      ['gitlab.user.block', '3', { state: 'active' }, { state: 'blocked' }, 'token:job'],
      ['gitlab.user.block', '4', { state: 'active' }, { state: 'blocked' }, 'token:job'],
      ['gitlab.user.block', '5', { state: 'active' }, { state: 'blocked' }, 'token:job'],
    ]);
    expect(audits[0]?.reason).toContain('cancelled in Lookup');
  });

  it('a repeated run changes nothing', async () => {
    const before = h.gitlab.mutations.length;
    const response = await h.server().post('/jobs/sync').set(job).expect(200);
    expect(response.body.status).toBe('succeeded');
    expect(response.body.summary.counts).toMatchObject({ planned: 0, applied: 0 });
    expect(h.gitlab.mutations).toHaveLength(before);
  });

  it('unblocks a user we blocked once Lookup no longer returns them as cancelled; never an admin block', async () => {
    h.lookup.setPerson(person('ab101', false));
    h.lookup.setPerson(person('ab103', false));
    h.editUsers((u) => (u.id === 3 ? { ...u, state: 'active' } : u)); // an administrator unblocked user 3 by hand
    const response = await h.server().post('/jobs/sync').set(job).expect(200);
    expect(response.body.summary.plan.toUnblock).toEqual([
      { userId: 1, username: 'ab101', crsid: 'ab101', reason: 'no_longer_cancelled', state: 'blocked' },
    ]);
    expect(response.body.summary.counts).toMatchObject({ planned: 1, applied: 1, toBlock: 0 });
    expect(response.body.summary.releasedBlocks).toBe(1);
    expect(states(h.gitlab, [1, 3, 5, 7])).toEqual({ 1: 'active', 3: 'active', 5: 'blocked', 7: 'blocked' });
    const blocked = await h.prisma.gitLabBlockedUser.findMany({ orderBy: { userId: 'asc' } });
    expect(blocked.map((b) => b.userId)).toEqual([4, 5]);
    const audits = await h.prisma.auditEvent.findMany({
      where: { runId: response.body.id },
      orderBy: { action: 'asc' },
    });
    expect(audits.map((a) => [a.action, a.entityId, a.before, a.after])).toEqual([
      ['gitlab.user.unblock', '1', { state: 'blocked' }, { state: 'active' }],
      [
        'gitlab_sync.block.released',
        '3',
        { blockedByUs: true, reason: 'cancelled_in_lookup' },
        { blockedByUs: false, state: 'active' },
      ],
    ]);
  });

  it('leaves a user blocked again by hand blocked, even when no longer cancelled', async () => {
    h.editUsers((u) => (u.id === 3 ? { ...u, state: 'blocked' } : u));
    const response = await h.server().post('/jobs/sync').set(job).expect(200);
    expect(response.body.summary.counts).toMatchObject({ planned: 0 });
    expect(h.gitlab.user(3)?.state).toBe('blocked');
  });

  it('unblocks a group admin account once its CRSid is no longer cancelled; never an inactive external we blocked', async () => {
    h.lookup.setPerson(person('ab104', false));
    const response = await h.server().post('/jobs/sync').set(job).expect(200);
    expect(response.body.summary.plan.toUnblock.map((c: { userId: number }) => c.userId)).toEqual([4]);
    expect(states(h.gitlab, [4, 5])).toEqual({ 4: 'active', 5: 'blocked' });
  });

  it('records a history row for every block and unblock, with user, CRSid, reason and run', async () => {
    const history = await h.prisma.gitLabSyncAction.findMany({ orderBy: { id: 'asc' } });
    expect(history.map((a) => [a.userId, a.crsid, a.action, a.reason, a.outcome])).toEqual([
      [1, 'ab101', 'block', 'cancelled_in_lookup', 'applied'],
      [3, 'ab103', 'block', 'cancelled_in_lookup', 'applied'],
      [4, 'ab104', 'block', 'cancelled_in_lookup', 'applied'],
      [5, null, 'block', 'external_inactive', 'applied'],
      [1, 'ab101', 'unblock', 'no_longer_cancelled', 'applied'],
      [4, 'ab104', 'unblock', 'no_longer_cancelled', 'applied'],
    ]);
    expect(history.every((a) => a.runId.length === 36 && a.at instanceof Date)).toBe(true);
  });
});
