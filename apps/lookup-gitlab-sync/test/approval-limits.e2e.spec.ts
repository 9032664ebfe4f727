import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { JobRunRepository } from '@app/jobs';
import { cancel, job, operator, population, startSyncHarness, type SyncHarness } from './sync.harness.js';

const HOUR_MS = 3_600_000;

/** Approvals: how old a refusal may be, a race between two approvals, and when the approval is audited. */
describe('POST /runs/:id/approve: age, races and audit', () => {
  let h: SyncHarness;
  // 40 users, limit 5%: at most 2 changes; 4 cancelled -> refused.
  const { users, people } = population(6500, 40);
  const refusedPeople = cancel(people, ['ab6500', 'ab6501', 'ab6502', 'ab6503']);

  async function refusedRun(hoursAgo = 0): Promise<string> {
    const response = await h.server().post('/jobs/sync').set(job).expect(200);
    expect(response.body.status).toBe('refused');
    const at = new Date(Date.now() - hoursAgo * HOUR_MS);
    await h.prisma.jobRun.update({
      where: { id: response.body.id },
      data: { startedAt: at, finishedAt: at },
    });
    return response.body.id as string;
  }

  beforeAll(async () => {
    h = await startSyncHarness();
  });
  afterAll(() => h.close());

  it('refuses with 409 a run refused more than SYNC_APPROVAL_MAX_AGE_HOURS (24) ago: nothing runs', async () => {
    await h.reset(users, refusedPeople);
    const refusedId = await refusedRun(25);
    for (const query of ['', '?dry_run=1']) {
      const response = await h.server().post(`/runs/${refusedId}/approve${query}`).set(operator).expect(409);
      expect(response.body.message).toBe(
        `Run ${refusedId} was refused 25 hours ago, more than SYNC_APPROVAL_MAX_AGE_HOURS (24): its plan is stale; ` +
          'approve the refusal of a recent run instead (run the sync again)',
      );
    }
    expect(await h.prisma.jobRun.count()).toBe(1);
    expect(h.gitlab.mutations).toEqual([]);
  });

  it('approves a run refused 23 hours ago', async () => {
    await h.reset(users, refusedPeople);
    const refusedId = await refusedRun(23);
    const response = await h.server().post(`/runs/${refusedId}/approve`).set(operator).expect(200);
    expect(response.body.summary.counts).toMatchObject({ applied: 4 });
  });

  it('answers 409 when another approval got in between the first check and the run lock, and leaves nothing behind', async () => {
    await h.reset(users, refusedPeople);
    const refusedId = await refusedRun();
    // Another instance's approval is recorded right after our first check: the check made under
    // the run lock, before any run record of ours exists, must see it.
    const approvals = h.app.get(JobRunRepository);
    const original = approvals.findApproval.bind(approvals);
    let calls = 0;
    const spy = jest.spyOn(approvals, 'findApproval').mockImplementation(async (...args) => {
      const found = await original(...args);
      calls += 1;
      if (calls === 1) {
        await h.prisma.jobRun.create({
          data: {
            app: 'lookup-gitlab-sync',
            job: 'sync',
            trigger: 'http',
            dryRun: false,
            status: 'running',
            approvedBy: 'rival@example.ac.uk',
            parentId: refusedId,
          },
        });
      }
      return found;
    });
    h.gitlab.control.calls = [];
    let response;
    try {
      response = await h.server().post(`/runs/${refusedId}/approve`).set(operator).expect(409);
    } finally {
      spy.mockRestore();
    }
    expect(calls).toBe(2);
    expect(response.body.message).toMatch(
      new RegExp(
        `^Run ${refusedId} was already approved by rival@example.ac.uk \\(run [0-9a-f-]{36}, running\\)`,
      ),
    );
    expect(h.gitlab.mutations).toEqual([]);
    expect(h.gitlab.control.callCount({ path: '/api/v4/users' })).toBe(0);
    expect(await h.prisma.auditEvent.count()).toBe(0);
    expect(
      await h.prisma.jobRun.count({ where: { parentId: refusedId, approvedBy: 'token:operator' } }),
    ).toBe(0);
  });

  it('audits the approval only once the approval run applies: not when its read fails', async () => {
    await h.reset(users, refusedPeople);
    const refusedId = await refusedRun();
    h.gitlab.control.addFault({ path: '/api/v4/users', status: 500 });
    const failed = await h.server().post(`/runs/${refusedId}/approve`).set(operator).expect(500);
    expect(failed.body).toMatchObject({ status: 'failed', parentId: refusedId });
    expect(await h.prisma.auditEvent.count({ where: { action: 'gitlab_sync.run.approved' } })).toBe(0);

    h.gitlab.control.faults = [];
    const next = await refusedRun();
    const approved = await h.server().post(`/runs/${next}/approve`).set(operator).expect(200);
    const audits = await h.prisma.auditEvent.findMany({
      where: { runId: approved.body.id },
      orderBy: { id: 'asc' },
    });
    expect(audits[0]).toMatchObject({ action: 'gitlab_sync.run.approved', entityId: next });
    expect(audits).toHaveLength(5);
  });
});
