import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { cancel, job, OPS_EMAIL, population, startSyncHarness, type SyncHarness } from './sync.harness.js';

const crsids = (from: number, count: number) => Array.from({ length: count }, (_, i) => `ab${from + i}`);

async function nothingChanged(h: SyncHarness): Promise<void> {
  expect(h.gitlab.mutations).toEqual([]);
  expect(await h.prisma.gitLabBlockedUser.count()).toBe(0);
  expect(await h.prisma.gitLabSyncAction.count()).toBe(0);
  expect(await h.prisma.auditEvent.count()).toBe(0);
}

describe('POST /jobs/sync: safety (limit 5%)', () => {
  let h: SyncHarness;
  beforeAll(async () => {
    h = await startSyncHarness();
  });
  afterAll(() => h.close());

  describe('snapshot first: a failed read changes nothing', () => {
    // 250 users: 3 GitLab pages, 5 Lookup batches of 50.
    const { users, people } = population(1000, 250);

    it('a GitLab page that keeps failing fails the run; operators are emailed', async () => {
      await h.reset(users, cancel(people, crsids(1000, 5)));
      h.gitlab.control.addFault({ path: '/api/v4/users', queryIncludes: 'id_after=', status: 500 });
      const response = await h.server().post('/jobs/sync').set(job).expect(500);
      expect(response.body).toMatchObject({ status: 'failed', job: 'sync' });
      expect(response.body.error).toMatch(/GitLab: reading a users page failed: HTTP 500/);
      await nothingChanged(h);
      await h.deliverEmails();
      expect(h.smtp.received).toHaveLength(1);
      expect(h.smtp.received[0]?.to).toEqual([OPS_EMAIL]);
      expect(h.smtp.received[0]?.raw).toMatch(/sync failed/);
      expect(h.smtp.received[0]?.raw).toContain(response.body.id);
    });

    it('a Lookup batch that keeps failing fails the run (other batches answered)', async () => {
      await h.reset(users, cancel(people, crsids(1000, 5)));
      h.lookup.control.addFault({ path: '/api/v1/person/list', queryIncludes: 'ab1230', status: 503 });
      const response = await h.server().post('/jobs/sync').set(job).expect(500);
      expect(response.body.error).toMatch(/Lookup: person\/list failed: HTTP 503/);
      expect(h.lookup.control.callCount({ path: '/api/v1/person/list' })).toBeGreaterThan(1);
      await nothingChanged(h);
    });

    it('after the outage, the same data is applied', async () => {
      await h.reset(users, cancel(people, crsids(1000, 5)));
      const response = await h.server().post('/jobs/sync').set(job).expect(200);
      expect(response.body.summary.counts).toMatchObject({ usersRead: 250, planned: 5, applied: 5 });
    });
  });

  describe('the change limit', () => {
    const { users, people } = population(2000, 100);

    it('applies a plan exactly at the limit (5 of 100)', async () => {
      await h.reset(users, cancel(people, crsids(2000, 5)));
      const response = await h.server().post('/jobs/sync').set(job).expect(200);
      expect(response.body.status).toBe('succeeded');
      expect(response.body.summary.counts).toMatchObject({ considered: 100, planned: 5, applied: 5 });
      expect(response.body.summary.limits).toEqual({
        maxChangeRatio: 0.05,
        maxChanges: null,
        allowedChanges: 5,
      });
    });

    it('refuses one over (6 of 100): nothing applied, the plan kept, operators emailed how to approve', async () => {
      await h.reset(users, cancel(people, crsids(2000, 6)));
      const response = await h.server().post('/jobs/sync').set(job).expect(200);
      expect(response.body).toMatchObject({ status: 'refused', dryRun: false });
      expect(response.body.error).toMatch(/6 planned changes exceed 5% of the 100 considered \(at most 5\)/);
      expect(response.body.summary.counts).toMatchObject({ planned: 6, applied: 0 });
      expect(response.body.summary.plan.toBlock).toHaveLength(6);
      await nothingChanged(h);
      const kept = await h.prisma.plannedChange.findMany({ where: { runId: response.body.id } });
      expect(kept.map((c) => (c.change as { crsid: string }).crsid).sort()).toEqual(crsids(2000, 6));
      await h.deliverEmails();
      expect(h.smtp.received).toHaveLength(1);
      const mail = h.smtp.received[0]?.raw.replace(/=\r?\n/g, '') ?? '';
      expect(mail).toMatch(/sync refused: 6 changes planned/);
      expect(mail).toContain(`/runs/${response.body.id}/approve`);
      expect(mail).toContain('ab2000');
    });

    it('a dry run plans, checks the limit and applies nothing', async () => {
      await h.reset(users, cancel(people, crsids(2000, 3)));
      const response = await h.server().post('/jobs/sync?dry_run=1').set(job).expect(200);
      expect(response.body).toMatchObject({ status: 'succeeded', dryRun: true, summary: { dryRun: true } });
      expect(response.body.summary.counts).toMatchObject({ planned: 3, applied: 0, failed: 0 });
      expect(response.body.summary.plan.toBlock.map((c: { crsid: string }) => c.crsid)).toEqual(
        crsids(2000, 3),
      );
      await nothingChanged(h);
      expect(await h.prisma.outboxEmail.count()).toBe(0);
    });

    it('a dry run over the limit is refused, keeps no plan and emails no one', async () => {
      await h.reset(users, cancel(people, crsids(2000, 6)));
      const response = await h.server().post('/jobs/sync?dry_run=1').set(job).expect(200);
      expect(response.body).toMatchObject({ status: 'refused', dryRun: true });
      await nothingChanged(h);
      expect(await h.prisma.plannedChange.count()).toBe(0);
      expect(await h.prisma.outboxEmail.count()).toBe(0);
    });
  });

  describe('applying', () => {
    const { users, people } = population(3000, 200);

    it('records a 403 or 404 on one user and goes on; a 429 is retried after Retry-After', async () => {
      await h.reset(users, cancel(people, crsids(3000, 4)));
      h.gitlab.control.addFault({
        method: 'POST',
        path: '/api/v4/users/3001/block',
        status: 403,
        body: { message: '403 Forbidden - The API initiating user cannot be blocked by the API' },
      });
      h.gitlab.control.addFault({
        method: 'POST',
        path: '/api/v4/users/3002/block',
        status: 404,
        body: { message: '404 User Not Found' },
      });
      h.gitlab.control.addFault({
        method: 'POST',
        path: '/api/v4/users/3003/block',
        status: 429,
        retryAfterSeconds: 0,
        times: 1,
      });
      const response = await h.server().post('/jobs/sync').set(job).expect(200);
      expect(response.body.status).toBe('succeeded');
      expect(response.body.summary.counts).toMatchObject({ planned: 4, applied: 2, failed: 2 });
      expect(response.body.summary.failures).toEqual([
        {
          userId: 3001,
          username: 'ab3001',
          action: 'block',
          status: 403,
          message: '403 Forbidden - The API initiating user cannot be blocked by the API',
        },
        { userId: 3002, username: 'ab3002', action: 'block', status: 404, message: '404 User Not Found' },
      ]);
      expect(h.gitlab.control.callCount({ method: 'POST', path: '/api/v4/users/3003/block' })).toBe(2);
      expect(h.gitlab.user(3003)?.state).toBe('blocked');
      const actions = await h.prisma.gitLabSyncAction.findMany({ orderBy: { userId: 'asc' } });
      expect(actions.map((a) => [a.userId, a.outcome, a.status])).toEqual([
        [3000, 'applied', null],
        [3001, 'failed', 403],
        [3002, 'failed', 404],
        [3003, 'applied', null],
      ]);
      expect((await h.prisma.gitLabBlockedUser.findMany()).map((b) => b.userId).sort()).toEqual([3000, 3003]);
      expect(await h.prisma.auditEvent.count()).toBe(2);
    });

    it('stops on a failure that concerns every user, keeping the record of what was applied', async () => {
      await h.reset(users, cancel(people, crsids(3000, 8)));
      h.gitlab.control.addFault({ method: 'POST', path: '/api/v4/users/3000/block', status: 502 });
      const response = await h.server().post('/jobs/sync').set(job).expect(500);
      expect(response.body.status).toBe('failed');
      expect(response.body.error).toMatch(/GitLab failed while the changes were applied: .*HTTP 502/);
      const { applied, failed, inDoubt, notAttempted } = response.body.summary.counts;
      expect(applied + failed + inDoubt + notAttempted).toBe(8);
      // A 502 says nothing about whether GitLab blocked the user: in doubt, kept pending.
      expect({ failed, inDoubt }).toEqual({ failed: 0, inDoubt: 1 });
      const blockedInGitLab = h.gitlab
        .users()
        .filter((u) => u.state === 'blocked')
        .map((u) => u.id);
      const recorded = (await h.prisma.gitLabBlockedUser.findMany()).map((b) => b.userId);
      expect(recorded.sort()).toEqual(blockedInGitLab.sort());
      expect(recorded).toHaveLength(applied);
      const pending = await h.prisma.gitLabSyncAction.findMany({ where: { outcome: 'pending' } });
      expect(pending.map((a) => [a.userId, a.status])).toEqual([[3000, 502]]);
      expect(await h.prisma.gitLabSyncAction.count()).toBe(applied + 1);
      expect(await h.prisma.outboxEmail.count({ where: { subject: { contains: 'sync failed' } } })).toBe(1);

      h.gitlab.control.faults = [];
      const next = await h.server().post('/jobs/sync').set(job).expect(200);
      expect(next.body.summary.counts).toMatchObject({
        planned: 8 - applied,
        applied: 8 - applied,
        settled: 1,
      });
      expect(next.body.summary.settlements).toEqual([
        {
          userId: 3000,
          action: 'block',
          pendingSinceRun: response.body.id,
          outcome: 'failed',
          stateNow: 'active',
        },
      ]);
      expect(h.gitlab.users().filter((u) => u.state === 'blocked')).toHaveLength(8);
      expect(await h.prisma.gitLabSyncAction.count({ where: { outcome: 'pending' } })).toBe(0);
    });

    it('lets one run at a time: a second concurrent run gets 409 with the running run id', async () => {
      await h.reset(users, people);
      h.gitlab.control.latencyMs = 100;
      const first = h
        .server()
        .post('/jobs/sync')
        .set(job)
        .then((r) => r);
      let running = null;
      for (let i = 0; i < 200 && running === null; i++) {
        running = await h.prisma.jobRun.findFirst({ where: { job: 'sync', status: 'running' } });
        if (running === null) await new Promise((resolve) => setTimeout(resolve, 10));
      }
      expect(running).not.toBeNull();
      const second = await h.server().post('/jobs/sync').set(job).expect(409);
      expect(second.body).toMatchObject({ statusCode: 409, runningRunId: running?.id });
      expect((await first).status).toBe(200);
      expect(await h.prisma.jobRun.count()).toBe(1);
    });
  });

  it('emails a summary of changes only when SYNC_NOTIFY_ON_CHANGE=true (off by default)', async () => {
    const { users, people } = population(4000, 100);
    await h.reset(users, cancel(people, crsids(4000, 2)));
    await h.server().post('/jobs/sync').set(job).expect(200);
    expect(await h.prisma.outboxEmail.count()).toBe(0);
  });
});

describe('POST /jobs/sync with SYNC_MAX_CHANGES, SYNC_NOTIFY_ON_CHANGE and JOBS_FORCE_DRY_RUN', () => {
  const { users, people } = population(5000, 100);

  it('SYNC_MAX_CHANGES=3: 3 apply (and are emailed), 4 are refused', async () => {
    const h = await startSyncHarness({
      SYNC_MAX_CHANGE_RATIO: '1',
      SYNC_MAX_CHANGES: '3',
      SYNC_NOTIFY_ON_CHANGE: 'true',
    });
    try {
      await h.reset(users, cancel(people, crsids(5000, 3)));
      const applied = await h.server().post('/jobs/sync').set(job).expect(200);
      expect(applied.body.summary.counts).toMatchObject({ planned: 3, applied: 3 });
      expect(applied.body.summary.notified).toBe(true);
      await h.deliverEmails();
      expect(h.smtp.received.map((m) => /sync applied 3 change\(s\)/.test(m.raw))).toEqual([true]);

      await h.reset(users, cancel(people, crsids(5000, 4)));
      const refused = await h.server().post('/jobs/sync').set(job).expect(200);
      expect(refused.body).toMatchObject({
        status: 'refused',
        error: '4 planned changes exceed the limit of 3 changes per run',
      });
      expect(h.gitlab.mutations).toEqual([]);
    } finally {
      await h.close();
    }
  });

  it('JOBS_FORCE_DRY_RUN=true turns a real run into a dry run', async () => {
    const h = await startSyncHarness({ JOBS_FORCE_DRY_RUN: 'true' });
    try {
      await h.reset(users, cancel(people, crsids(5000, 2)));
      const response = await h.server().post('/jobs/sync').set(job).expect(200);
      expect(response.body).toMatchObject({
        status: 'succeeded',
        dryRun: true,
        summary: { forcedDryRun: true },
      });
      expect(response.body.summary.counts).toMatchObject({ planned: 2, applied: 0 });
      await nothingChanged(h);
    } finally {
      await h.close();
    }
  });
});
