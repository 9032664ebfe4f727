import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { cancel, job, person, population, startSyncHarness, type SyncHarness } from './sync.harness.js';

/**
 * GitLab's answers to blocks and unblocks, end to end: answers lost after GitLab made the change,
 * answers GitLab never gives (a proxy's maintenance page), and refusals that concern every user.
 * One change at a time, so that the order of calls is known.
 */
describe('POST /jobs/sync: what GitLab answers to a block or an unblock', () => {
  let h: SyncHarness;
  const { users, people } = population(8000, 20);

  beforeAll(async () => {
    h = await startSyncHarness({
      SYNC_MAX_CHANGE_RATIO: '1',
      SYNC_APPLY_CONCURRENCY: '1',
      SYNC_MAX_CONSECUTIVE_REFUSALS: '3',
    });
  });
  afterAll(() => h.close());

  const blockedByUs = async () => (await h.prisma.gitLabBlockedUser.findMany()).map((b) => b.userId).sort();
  const failedEmails = () => h.prisma.outboxEmail.count({ where: { subject: { contains: 'sync failed' } } });

  it('a block whose answer is lost, then "already blocked" on the retry, is ours: recorded, audited, and undone later', async () => {
    await h.reset(users, cancel(people, ['ab8000']));
    h.gitlab.loseAnswer({ userId: 8000, action: 'block', answer: 'drop', times: 1 });
    const response = await h.server().post('/jobs/sync').set(job).expect(200);
    expect(response.body.summary.counts).toMatchObject({ planned: 1, applied: 1, unchanged: 0 });
    expect(h.gitlab.mutations.map((m) => [m.userId, m.status])).toEqual([
      [8000, 0],
      [8000, 201],
    ]);
    expect(await blockedByUs()).toEqual([8000]);
    const [action] = await h.prisma.gitLabSyncAction.findMany();
    expect(action).toMatchObject({ userId: 8000, outcome: 'applied' });
    expect(action?.message).toMatch(/earlier attempt went unanswered/);
    expect(
      await h.prisma.auditEvent.count({ where: { action: 'gitlab.user.block', entityId: '8000' } }),
    ).toBe(1);

    h.lookup.setPerson(person('ab8000', false));
    const later = await h.server().post('/jobs/sync').set(job).expect(200);
    expect(later.body.summary.plan.toUnblock.map((c: { userId: number }) => c.userId)).toEqual([8000]);
    expect(h.gitlab.user(8000)?.state).toBe('active');
  });

  it('a 200 HTML page in answer to a block stops the run: not recorded as applied, settled by the next run', async () => {
    await h.reset(users, cancel(people, ['ab8001', 'ab8002']));
    h.gitlab.loseAnswer({
      userId: 8001,
      action: 'block',
      answer: { status: 200, html: '<!DOCTYPE html><h1>GitLab is down for maintenance</h1>' },
      applied: false,
    });
    const response = await h.server().post('/jobs/sync').set(job).expect(500);
    expect(response.body.error).toMatch(/block of user 8001: unexpected answer HTTP 200 with a text body/);
    expect(response.body.summary.counts).toMatchObject({ applied: 0, inDoubt: 1, notAttempted: 1 });
    expect(await blockedByUs()).toEqual([]);
    const actions = await h.prisma.gitLabSyncAction.findMany();
    expect(actions.map((a) => [a.userId, a.outcome, a.status])).toEqual([[8001, 'pending', 200]]);
    expect(await h.prisma.auditEvent.count()).toBe(0);
    expect(await failedEmails()).toBe(1);

    h.gitlab.clearFaults();
    const next = await h.server().post('/jobs/sync').set(job).expect(200);
    expect(next.body.summary.settlements).toEqual([
      {
        userId: 8001,
        action: 'block',
        pendingSinceRun: response.body.id,
        outcome: 'failed',
        stateNow: 'active',
      },
    ]);
    expect(next.body.summary.counts).toMatchObject({ applied: 2 });
    expect(await blockedByUs()).toEqual([8001, 8002]);
  });

  it('a 204 in answer to an unblock stops the run and keeps our block: the user is still blocked', async () => {
    await h.reset(users, cancel(people, ['ab8003']));
    await h.server().post('/jobs/sync').set(job).expect(200);
    h.lookup.setPerson(person('ab8003', false));
    h.gitlab.loseAnswer({ userId: 8003, action: 'unblock', answer: { status: 204 }, applied: false });
    const response = await h.server().post('/jobs/sync').set(job).expect(500);
    expect(response.body.error).toMatch(
      /unblock of user 8003: unexpected answer HTTP 204 with an empty body/,
    );
    expect(h.gitlab.user(8003)?.state).toBe('blocked');
    expect(await blockedByUs()).toEqual([8003]);

    h.gitlab.clearFaults();
    await h.server().post('/jobs/sync').set(job).expect(200);
    expect(h.gitlab.user(8003)?.state).toBe('active');
    expect(await blockedByUs()).toEqual([]);
  });

  it('a token without the api scope stops the run at the first refusal: failed, operators emailed', async () => {
    await h.reset(users, cancel(people, ['ab8004', 'ab8005', 'ab8006']));
    h.gitlab.control.addFault({
      method: 'POST',
      path: /\/block$/,
      status: 403,
      body: { error: 'insufficient_scope', error_description: 'The request requires higher privileges.' },
    });
    const response = await h.server().post('/jobs/sync').set(job).expect(500);
    expect(response.body.error).toMatch(/block refused with HTTP 403: the token lacks the scope/);
    expect(response.body.summary.counts).toMatchObject({ applied: 0, failed: 1, notAttempted: 2 });
    expect(h.gitlab.control.callCount({ method: 'POST' })).toBe(1);
    expect(await failedEmails()).toBe(1);
  });

  it('stops after SYNC_MAX_CONSECUTIVE_REFUSALS refusals in a row (3 here)', async () => {
    await h.reset(users, cancel(people, ['ab8010', 'ab8011', 'ab8012', 'ab8013', 'ab8014']));
    h.gitlab.control.addFault({
      method: 'POST',
      path: /\/block$/,
      status: 403,
      body: { message: '403 Forbidden - Something about every user' },
    });
    const response = await h.server().post('/jobs/sync').set(job).expect(500);
    expect(response.body.error).toMatch(/GitLab refused 3 changes in a row/);
    expect(response.body.summary.counts).toMatchObject({ applied: 0, failed: 3, notAttempted: 2 });
  });

  it('a run whose every change GitLab refused, applying none, is failed and emailed', async () => {
    await h.reset(users, cancel(people, ['ab8015', 'ab8016']));
    for (const id of [8015, 8016]) {
      h.gitlab.control.addFault({
        method: 'POST',
        path: `/api/v4/users/${id}/block`,
        status: 404,
        body: { message: '404 User Not Found' },
      });
    }
    const response = await h.server().post('/jobs/sync').set(job).expect(500);
    expect(response.body).toMatchObject({
      status: 'failed',
      error:
        'GitLab refused all 2 change(s) it was sent and applied none (the first: HTTP 404 404 User Not Found)',
    });
    expect(await failedEmails()).toBe(1);
  });
});
