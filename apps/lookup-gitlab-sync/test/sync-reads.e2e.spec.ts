import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  cancel,
  daysAgo,
  job,
  NON_ADMIN_GITLAB_TOKEN,
  OPS_EMAIL,
  person,
  population,
  simUser,
  startSyncHarness,
  type SyncHarness,
} from './sync.harness.js';

async function nothingChanged(h: SyncHarness, blocksBefore: number[] = []): Promise<void> {
  expect(h.gitlab.control.callCount({ method: 'POST' })).toBe(0);
  expect((await h.prisma.gitLabBlockedUser.findMany()).map((b) => b.userId).sort()).toEqual(blocksBefore);
  expect(await h.prisma.auditEvent.count({ where: { action: { not: 'gitlab.user.block' } } })).toBe(0);
}

/** Reads that are incomplete or not what they seem: nothing is decided from them. */
describe('POST /jobs/sync: reading GitLab (limit 100%, users-read floor 50%)', () => {
  let h: SyncHarness;
  // 250 users: pages of 100 (ids 9000-9099, 9100-9199, 9200-9249).
  const { users, people } = population(9000, 250);
  const cancelled = cancel(people, ['ab9001', 'ab9200', 'ab9210']);

  beforeAll(async () => {
    h = await startSyncHarness({ SYNC_MAX_CHANGE_RATIO: '1' });
  });
  afterAll(() => h.close());

  it('a truncated read forgets no block of ours merely absent from it: GitLab is asked (404 = gone)', async () => {
    await h.reset(users, cancelled);
    await h.server().post('/jobs/sync').set(job).expect(200);
    // Since: an administrator unblocked ab9001 (read: released), user 9210 was deleted (404:
    // released), and the users list stops after two pages (9200 and 9210 are not in it).
    h.editUsers((u) => (u.id === 9001 ? { ...u, state: 'active' } : u));
    h.lookup.setPerson(person('ab9001', false));
    h.gitlab.seed(h.gitlab.users().filter((u) => u.id !== 9210));
    h.gitlab.setPagingDefect({ stopAfterPages: 2 });

    const response = await h.server().post('/jobs/sync').set(job).expect(200);
    expect(response.body.summary.counts).toMatchObject({ usersRead: 200, planned: 0, released: 2 });
    expect(response.body.summary.releases).toEqual([
      { userId: 9001, username: 'ab9001', stateNow: 'active' },
      { userId: 9210, username: 'ab9210', stateNow: null },
    ]);
    expect(response.body.summary.releasedBlocks).toBe(2);
    expect((await h.prisma.gitLabBlockedUser.findMany()).map((b) => b.userId)).toEqual([9200]);
    expect(h.gitlab.control.callCount({ method: 'GET', path: '/api/v4/users/9200' })).toBe(1);
    expect(h.gitlab.control.callCount({ method: 'GET', path: '/api/v4/users/9210' })).toBe(1);
    const released = await h.prisma.auditEvent.findMany({ where: { action: 'gitlab_sync.block.released' } });
    expect(released.map((a) => a.entityId).sort()).toEqual(['9001', '9210']);
  });

  it('a read under half of the last successful run is refused: nothing changed or forgotten, operators emailed', async () => {
    await h.reset(users, cancelled);
    const first = await h.server().post('/jobs/sync').set(job).expect(200);
    h.gitlab.setPagingDefect({ stopAfterPages: 1 });
    h.lookup.setPerson(person('ab9050', true));
    h.gitlab.control.calls = [];

    const response = await h.server().post('/jobs/sync').set(job).expect(200);
    expect(response.body.status).toBe('refused');
    expect(response.body.error).toBe(
      `100 GitLab users read, fewer than 50% of the 250 read by the last successful run ${first.body.id} ` +
        '(SYNC_MIN_USERS_READ_RATIO): a truncated or empty read?',
    );
    await nothingChanged(h, [9001, 9200, 9210]);
    expect(await h.prisma.plannedChange.count({ where: { runId: response.body.id } })).toBe(1);
    await h.deliverEmails();
    expect(h.smtp.received.map((m) => m.raw.replace(/=\r?\n/g, '')).join()).toMatch(
      /fewer than 50% of the 250/,
    );
  });

  it('fails the read on a user id that comes twice (pages overlapping): nothing changed', async () => {
    await h.reset(users, cancelled);
    h.gitlab.setPagingDefect({ repeatLastUser: true });
    const response = await h.server().post('/jobs/sync').set(job).expect(500);
    expect(response.body.error).toMatch(/GitLab: user 9099 appears twice in the users list/);
    await nothingChanged(h);
    expect(await h.prisma.outboxEmail.count({ where: { subject: { contains: 'sync failed' } } })).toBe(1);
  });
});

describe('POST /jobs/sync with a GitLab token that is not an administrator', () => {
  it('fails the read (the admin-only fields are absent), changes nothing, and tells operators why', async () => {
    const h = await startSyncHarness({ GITLAB_TOKEN: NON_ADMIN_GITLAB_TOKEN, SYNC_MAX_CHANGE_RATIO: '1' });
    try {
      const { users, people } = population(9500, 10);
      // An external active last week, created years ago: "never active" if activity were read as absent.
      await h.reset([...users, simUser(9600, 'external-jo-9600', { last_activity_on: daysAgo(7) })], people);
      const response = await h.server().post('/jobs/sync').set(job).expect(500);
      expect(response.body.error).toMatch(
        /lacks identities and last_activity_on, which GitLab sends only to administrators: GITLAB_TOKEN is probably not an administrator's token/,
      );
      await nothingChanged(h);
      await h.deliverEmails();
      expect(h.smtp.received.map((m) => m.to)).toEqual([[OPS_EMAIL]]);
      expect(h.smtp.received[0]?.raw.replace(/=\r?\n/g, '')).toMatch(/Nothing was changed/);
    } finally {
      await h.close();
    }
  });
});
