import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  cancel,
  job,
  person,
  population,
  PROVIDER,
  simUser,
  startSyncHarness,
  type SyncHarness,
} from './sync.harness.js';

/** The record of what the sync did survives a database failure or a crash in the middle of applying. */
describe('POST /jobs/sync: records that survive failures', () => {
  let h: SyncHarness;
  const { users, people } = population(9700, 20);

  beforeAll(async () => {
    h = await startSyncHarness({ SYNC_MAX_CHANGE_RATIO: '1' });
  });
  afterAll(() => h.close());

  const blockedByUs = async () => (await h.prisma.gitLabBlockedUser.findMany()).map((b) => b.userId).sort();

  it('a database failure after GitLab applied a batch: the changes stay pending, the email says what may have changed, the next run records them', async () => {
    await h.reset(users, cancel(people, ['ab9700', 'ab9701', 'ab9702']));
    // The transaction that records GitLab's answers fails (as on a lost connection or a failover).
    await h.prisma.$executeRawUnsafe(`
      CREATE FUNCTION gitlab_sync.e2e_fail() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'e2e: the database went away'; END $$`);
    await h.prisma.$executeRawUnsafe(
      'CREATE TRIGGER e2e_fail BEFORE INSERT ON gitlab_sync.blocked_user FOR EACH ROW EXECUTE FUNCTION gitlab_sync.e2e_fail()',
    );
    let failed;
    try {
      failed = await h.server().post('/jobs/sync').set(job).expect(500);
    } finally {
      await h.prisma.$executeRawUnsafe('DROP TRIGGER e2e_fail ON gitlab_sync.blocked_user');
      await h.prisma.$executeRawUnsafe('DROP FUNCTION gitlab_sync.e2e_fail()');
    }
    expect(failed.body.error).toMatch(
      /^the database failed while recording GitLab's answers: Database error\. Code: `P0001`\. Message: `e2e: the database went away`$/,
    );
    expect(failed.body.summary.counts).toMatchObject({ applied: 3, unrecorded: 3, notAttempted: 0 });
    expect(h.gitlab.users().filter((u) => u.state === 'blocked')).toHaveLength(3);
    const pending = await h.prisma.gitLabSyncAction.findMany({ orderBy: { userId: 'asc' } });
    expect(pending.map((a) => [a.userId, a.outcome])).toEqual([
      [9700, 'pending'],
      [9701, 'pending'],
      [9702, 'pending'],
    ]);
    expect(await blockedByUs()).toEqual([]);
    await h.deliverEmails();
    const mail = h.smtp.received.map((m) => m.raw.replace(/=\r?\n/g, '')).join('\n');
    expect(mail).toMatch(/sync failed/);
    expect(mail).not.toMatch(/Nothing was changed/);
    expect(mail).toMatch(/3 change\(s\) applied/);
    expect(mail).toMatch(/3 change\(s\) may have been made in GitLab without being recorded/);

    const next = await h.server().post('/jobs/sync').set(job).expect(200);
    expect(next.body.summary.counts).toMatchObject({ planned: 0, settled: 3 });
    expect(await blockedByUs()).toEqual([9700, 9701, 9702]);
    const blocks = await h.prisma.gitLabBlockedUser.findMany();
    expect(new Set(blocks.map((b) => b.runId))).toEqual(new Set([failed.body.id]));
    expect(await h.prisma.gitLabSyncAction.count({ where: { outcome: 'applied' } })).toBe(3);
    const audits = await h.prisma.auditEvent.findMany({ where: { runId: next.body.id } });
    expect(audits.map((a) => [a.action, a.entityId]).sort()).toEqual([
      ['gitlab.user.block', '9700'],
      ['gitlab.user.block', '9701'],
      ['gitlab.user.block', '9702'],
    ]);

    // Ours, so undone once Lookup no longer shows the person as cancelled.
    h.lookup.setPerson(person('ab9701', false));
    await h.server().post('/jobs/sync').set(job).expect(200);
    expect(h.gitlab.user(9701)?.state).toBe('active');
  });

  it('a crash after a block was sent: the pending row left behind makes the block ours on the next run', async () => {
    await h.reset(users, cancel(people, ['ab9705']));
    h.editUsers((u) => (u.id === 9705 ? { ...u, state: 'blocked' } : u));
    const crashedRun = randomUUID();
    await h.prisma.gitLabSyncAction.create({
      data: {
        runId: crashedRun,
        userId: 9705,
        username: 'ab9705',
        crsid: 'ab9705',
        action: 'block',
        reason: 'cancelled_in_lookup',
        outcome: 'pending',
      },
    });
    const dry = await h.server().post('/jobs/sync?dry_run=1').set(job).expect(200);
    expect(dry.body.summary.counts).toMatchObject({ settled: 1 });
    expect(await blockedByUs()).toEqual([]);

    await h.server().post('/jobs/sync').set(job).expect(200);
    expect(await h.prisma.gitLabBlockedUser.findMany()).toMatchObject([{ userId: 9705, runId: crashedRun }]);
    h.lookup.setPerson(person('ab9705', false));
    const later = await h.server().post('/jobs/sync').set(job).expect(200);
    expect(later.body.summary.plan.toUnblock.map((c: { userId: number }) => c.userId)).toEqual([9705]);
  });

  it('never unblocks a user whose identity an administrator changed since we blocked them', async () => {
    const jo = simUser(9800, 'jo.bloggs', {
      identities: [{ provider: PROVIDER, extern_uid: 'jb9800@cam.ac.uk' }],
    });
    await h.reset([...users, jo], [...people, person('jb9800', true), person('cd9800', false)]);
    await h.server().post('/jobs/sync').set(job).expect(200);
    expect(h.gitlab.user(9800)?.state).toBe('blocked');
    expect(await h.prisma.gitLabBlockedUser.findMany()).toMatchObject([{ userId: 9800, crsid: 'jb9800' }]);

    // An administrator points the account at another person, who is not cancelled; jb9800 still is.
    h.editUsers((u) =>
      u.id === 9800 ? { ...u, identities: [{ provider: PROVIDER, extern_uid: 'cd9800' }] } : u,
    );
    const response = await h.server().post('/jobs/sync').set(job).expect(200);
    expect(response.body.summary.counts).toMatchObject({ planned: 0 });
    expect(h.gitlab.user(9800)?.state).toBe('blocked');
  });
});
