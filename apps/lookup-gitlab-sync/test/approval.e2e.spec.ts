import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  cancel,
  job,
  operator,
  person,
  population,
  startSyncHarness,
  states,
  type SyncHarness,
} from './sync.harness.js';

const UNKNOWN_RUN = '00000000-0000-4000-8000-000000000000';

describe('POST /runs/:id/approve', () => {
  let h: SyncHarness;
  // 40 users, limit 5%: at most 2 changes; ab6000..ab6003 cancelled -> 4 planned, refused.
  const { users, people } = population(6000, 40);
  const refusedPeople = cancel(people, ['ab6000', 'ab6001', 'ab6002', 'ab6003']);

  async function refusedRun(): Promise<string> {
    const response = await h.server().post('/jobs/sync').set(job).expect(200);
    expect(response.body.status).toBe('refused');
    return response.body.id as string;
  }

  beforeAll(async () => {
    h = await startSyncHarness();
  });
  afterAll(() => h.close());

  it('applies only the changes in both the approved plan and a fresh one, audited with who approved', async () => {
    await h.reset(users, refusedPeople);
    const refusedId = await refusedRun();
    // Since the refusal: ab6000 is no longer cancelled; ab6010 is newly cancelled (never approved).
    h.lookup.setPerson(person('ab6000', false));
    h.lookup.setPerson(person('ab6010', true));

    const response = await h.server().post(`/runs/${refusedId}/approve`).set(operator).expect(200);
    expect(response.body).toMatchObject({
      job: 'sync',
      status: 'succeeded',
      dryRun: false,
      parentId: refusedId,
      approvedBy: 'token:operator',
    });
    expect(response.body.summary.approval).toEqual({
      refusedRunId: refusedId,
      approvedBy: 'token:operator',
      approved: 4,
      noLongerPlanned: 1,
      notApproved: 1,
    });
    expect(response.body.summary.counts).toMatchObject({ planned: 3, applied: 3 });
    expect(states(h.gitlab, [6000, 6001, 6002, 6003, 6010])).toEqual({
      6000: 'active',
      6001: 'blocked',
      6002: 'blocked',
      6003: 'blocked',
      6010: 'active',
    });

    const audits = await h.prisma.auditEvent.findMany({
      where: { runId: response.body.id },
      orderBy: { id: 'asc' },
    });
    expect(audits.map((a) => [a.action, a.entityId, a.actor])).toEqual([
      ['gitlab_sync.run.approved', refusedId, 'token:operator'],
      ['gitlab.user.block', '6001', 'token:operator'],
      ['gitlab.user.block', '6002', 'token:operator'],
      ['gitlab.user.block', '6003', 'token:operator'],
    ]);
    expect(audits[1]?.reason).toContain(`approved by token:operator (refused run ${refusedId})`);

    const again = await h.server().post(`/runs/${refusedId}/approve`).set(operator).expect(409);
    expect(again.body.message).toMatch(
      new RegExp(`already approved by token:operator \\(run ${response.body.id}, succeeded\\)`),
    );

    // The next scheduled run picks up what was not approved: ab6010 (1 of 40, within the limit).
    const next = await h.server().post('/jobs/sync').set(job).expect(200);
    expect(next.body.summary.counts).toMatchObject({ planned: 1, applied: 1 });
    expect(h.gitlab.user(6010)?.state).toBe('blocked');
  });

  it.each(['?dry_run=1', '?dry_run', '?dry_run=', '?DRY_RUN=1'])(
    'a dry-run approval (%s) shows what would apply, changes nothing and leaves the run approvable',
    async (query) => {
      await h.reset(users, refusedPeople);
      const refusedId = await refusedRun();
      const preview = await h.server().post(`/runs/${refusedId}/approve${query}`).set(operator).expect(200);
      expect(preview.body).toMatchObject({ status: 'succeeded', dryRun: true, parentId: refusedId });
      expect(preview.body.summary.counts).toMatchObject({ planned: 4, applied: 0 });
      expect(h.gitlab.mutations).toEqual([]);
      expect(await h.prisma.auditEvent.count()).toBe(0);

      const approved = await h.server().post(`/runs/${refusedId}/approve`).set(operator).expect(200);
      expect(approved.body.summary.counts).toMatchObject({ applied: 4 });
    },
  );

  it('is refused with 409 for a run that was not refused, a refused dry run, or another job', async () => {
    await h.reset(users, people);
    const succeeded = await h.server().post('/jobs/sync').set(job).expect(200);
    const notRefused = await h.server().post(`/runs/${succeeded.body.id}/approve`).set(operator).expect(409);
    expect(notRefused.body.message).toMatch(
      /is succeeded, not refused: only a run refused by the safety limits/,
    );

    await h.reset(users, refusedPeople);
    const dry = await h.server().post('/jobs/sync?dry_run=1').set(job).expect(200);
    expect(dry.body.status).toBe('refused');
    const dryApproval = await h.server().post(`/runs/${dry.body.id}/approve`).set(operator).expect(409);
    expect(dryApproval.body.message).toMatch(/was a dry run/);

    const other = await h.prisma.jobRun.create({
      data: {
        app: 'lookup-gitlab-sync',
        job: 'dispatch-outbox',
        trigger: 'http',
        dryRun: false,
        status: 'refused',
      },
    });
    const otherApproval = await h.server().post(`/runs/${other.id}/approve`).set(operator).expect(409);
    expect(otherApproval.body.message).toMatch(/is a dispatch-outbox run: only refused sync runs/);

    const foreign = await h.prisma.jobRun.create({
      data: { app: 'covid-pool', job: 'sync', trigger: 'http', dryRun: false, status: 'refused' },
    });
    await h.server().post(`/runs/${foreign.id}/approve`).set(operator).expect(404);
    expect(h.gitlab.mutations).toEqual([]);
  });

  it.each([
    ['not-a-uuid', '', 400, /run id must be a UUID/],
    ['123', '', 400, /run id must be a UUID/],
    [UNKNOWN_RUN, '', 404, /No run 00000000-0000-4000-8000-000000000000/],
    [UNKNOWN_RUN, '?dry_run=maybe', 400, /dry_run must be/],
  ])('%s%s -> %i', async (id, query, status, message) => {
    const response = await h.server().post(`/runs/${id}/approve${query}`).set(operator).expect(status);
    expect(response.body.message).toMatch(message);
  });

  it('needs an operator: 401 without or with a wrong token, 403 for a job caller; nothing runs', async () => {
    await h.reset(users, refusedPeople);
    const refusedId = await refusedRun();
    await h.server().post(`/runs/${refusedId}/approve`).expect(401);
    await h
      .server()
      .post(`/runs/${refusedId}/approve`)
      .set({ Authorization: 'Bearer not-the-token-0123456789' })
      .expect(401);
    const forbidden = await h.server().post(`/runs/${refusedId}/approve`).set(job).expect(403);
    expect(forbidden.body.message).toMatch(/not allowed to call operator endpoints/);
    expect(await h.prisma.jobRun.count()).toBe(1);
    expect(h.gitlab.mutations).toEqual([]);
  });
});

describe('the other endpoints: bad input and callers', () => {
  let h: SyncHarness;
  beforeAll(async () => {
    h = await startSyncHarness();
    const { users, people } = population(7000, 10);
    await h.reset(users, people);
  });
  afterAll(() => h.close());

  it.each([
    ['post', '/jobs/sync?dry_run=maybe', 400, /dry_run must be 1, true, 0 or false/],
    ['get', '/runs?limit=0', 400, /limit must be/],
    ['get', '/runs?job=Not%20A%20Job', 400, /job must be/],
    ['get', '/runs/not-a-uuid', 400, /run id must be a UUID/],
    ['get', `/runs/${UNKNOWN_RUN}`, 404, /No run/],
  ] as const)('%s %s -> %i', async (method, path, status, message) => {
    const response = await h.server()[method](path).set(job).expect(status);
    expect(response.body.message).toMatch(message);
    expect(h.gitlab.mutations).toEqual([]);
  });

  it.each([
    ['post', '/jobs/sync'],
    ['post', '/jobs/sync?dry_run=1'],
    ['get', '/runs'],
    ['get', `/runs/${UNKNOWN_RUN}`],
  ] as const)('%s %s without credentials -> 401, and nothing runs', async (method, path) => {
    await h.server()[method](path).expect(401);
    await h.server()[method](path).set({ Authorization: 'Bearer wrong-token-wrong-token' }).expect(401);
    expect(await h.prisma.jobRun.count()).toBe(0);
    expect(h.gitlab.control.calls).toEqual([]);
  });

  it('an operator may read runs but not start a sync (403)', async () => {
    const forbidden = await h.server().post('/jobs/sync').set(operator).expect(403);
    expect(forbidden.body.message).toMatch(/not allowed to call job endpoints/);
    expect(await h.prisma.jobRun.count()).toBe(0);
    const run = await h.server().post('/jobs/sync?dry_run=1').set(job).expect(200);
    const listed = await h.server().get('/runs?job=sync').set(operator).expect(200);
    expect(listed.body.map((r: { id: string }) => r.id)).toEqual([run.body.id]);
    const fetched = await h.server().get(`/runs/${run.body.id}`).set(operator).expect(200);
    expect(fetched.body).toEqual(run.body);
  });

  it('serves /healthz without credentials', async () => {
    await h.server().get('/healthz').expect(200, { status: 'ok' });
  });
});
