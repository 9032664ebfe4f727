import { describe, expect, it } from '@jest/globals';
import { ConflictException, NotFoundException } from '@nestjs/common';
import { fake } from '@app/testing';
import { type ApprovableJob, ApprovalService } from './approval.service.js';
import type { JobRegistry, RegisteredJob } from './job-registry.js';
import type { ApprovingRun, JobRunRepository } from './job-run.repository.js';
import type { JobRunner } from './job-runner.service.js';
import type { JobContext, JobHandler, JobRunRecord, RunRequest } from './job.types.js';
import type { PlannedChangeRepository } from './planned-change.repository.js';
import type { Approval } from './sync.types.js';

const APP = 'toy-app';
const NOW = new Date('2026-11-26T12:00:00Z');
const REFUSED_ID = '11111111-1111-4111-8111-111111111111';

function record(overrides: Partial<JobRunRecord> = {}): JobRunRecord {
  return {
    id: REFUSED_ID,
    app: APP,
    job: 'sync',
    scope: null,
    trigger: 'scheduler',
    dryRun: false,
    status: 'refused',
    startedAt: '2026-11-26T10:00:00.000Z',
    finishedAt: '2026-11-26T10:01:00.000Z',
    summary: {},
    error: 'over the limit',
    approvedBy: null,
    parentId: null,
    ...overrides,
  };
}

interface Setup {
  refused?: JobRunRecord | null;
  /** What findApproval answers, call by call (the last answer repeats). */
  approvals?: (ApprovingRun | null)[];
  /** The change keys stored with the refused run. */
  storedKeys?: string[];
}

function setup({ refused = record(), approvals = [null], storedKeys = ['1:block', '2:block'] }: Setup = {}) {
  const seen: { approvals: Approval[]; requests: RunRequest[]; findApprovalCalls: number } = {
    approvals: [],
    requests: [],
    findApprovalCalls: 0,
  };
  const sync: ApprovableJob = {
    run: () => Promise.reject(new Error('not called')),
    approvalPolicy: () => ({ maxAgeHours: 24, maxAgeSetting: 'SYNC_APPROVAL_MAX_AGE_HOURS' }),
    runApproved: (_ctx, approval) => {
      seen.approvals.push(approval);
      return Promise.resolve({ status: 'succeeded', summary: { applied: approval.approvedKeys.length } });
    },
  };
  const plain: JobHandler = { run: () => Promise.reject(new Error('not called')) };
  const jobs = new Map<string, RegisteredJob>([
    ['sync', { name: 'sync', description: '', handler: sync }],
    ['dispatch-outbox', { name: 'dispatch-outbox', description: '', handler: plain }],
  ]);
  const runner = fake<JobRunner>({
    app: APP,
    run: async (request, work) => {
      seen.requests.push(request);
      await request.beforeStart?.();
      const ctx = fake<JobContext>({ runId: 'new-run', dryRun: request.dryRun });
      const outcome = await work(ctx);
      return { record: record({ id: 'new-run', status: outcome.status }), summary: outcome.summary };
    },
  });
  const runs = fake<JobRunRepository>({
    findById: (app, id) => Promise.resolve(app === APP && id === refused?.id ? refused : null),
    findApproval: () => {
      const answer = approvals[Math.min(seen.findApprovalCalls, approvals.length - 1)] ?? null;
      seen.findApprovalCalls += 1;
      return Promise.resolve(answer);
    },
  });
  const plans = fake<PlannedChangeRepository>({ findKeys: () => Promise.resolve(storedKeys) });
  const registry = fake<JobRegistry>({ get: (name) => jobs.get(name), names: () => [...jobs.keys()] });
  const service = new ApprovalService(runner, runs, plans, registry);
  const approve = (dryRun = false) =>
    service.approve(REFUSED_ID, { dryRun, trigger: 'http', operator: 'op@example.ac.uk' }, NOW);
  return { approve, seen };
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

describe('ApprovalService', () => {
  it('approves a refused run: a new run of its job, parent and approver recorded, given the refused plan keys', async () => {
    const { approve, seen } = setup();
    const result = await approve();
    expect(result.record.status).toBe('succeeded');
    expect(seen.requests[0]).toMatchObject({
      job: 'sync',
      dryRun: false,
      actor: 'op@example.ac.uk',
      parentId: REFUSED_ID,
      approvedBy: 'op@example.ac.uk',
    });
    expect(seen.approvals).toEqual([
      { refusedRunId: REFUSED_ID, approvedBy: 'op@example.ac.uk', approvedKeys: ['1:block', '2:block'] },
    ]);
    // checked before the lock and again under it
    expect(seen.findApprovalCalls).toBe(2);
  });

  it('a dry-run approval is not checked again under the lock and leaves the run approvable', async () => {
    const { approve, seen } = setup();
    await approve(true);
    expect(seen.requests[0]?.beforeStart).toBeUndefined();
    expect(seen.findApprovalCalls).toBe(1);
  });

  it('409 for a refused run with no stored plan: no approval run, nothing used up', async () => {
    const { approve, seen } = setup({ storedKeys: [] });
    const error = await rejection(approve());
    expect(error).toBeInstanceOf(ConflictException);
    expect(error.message).toMatch(/has no stored plan to approve/);
    expect(seen.requests).toEqual([]);
    expect(seen.approvals).toEqual([]);
  });

  it('404 for a run this app does not have', async () => {
    const error = await rejection(setup({ refused: null }).approve());
    expect(error).toBeInstanceOf(NotFoundException);
    expect(error.message).toBe(`No run ${REFUSED_ID}`);
  });

  it.each<[string, JobRunRecord, RegExp]>([
    [
      'a run of a job that is not approvable',
      record({ job: 'dispatch-outbox' }),
      /is a dispatch-outbox run: only refused sync runs can be approved/,
    ],
    ['a run of an unknown job', record({ job: 'gone' }), /is a gone run: only refused sync runs/],
    [
      'a run that was not refused',
      record({ status: 'succeeded' }),
      /is succeeded, not refused: only a run refused by the safety limits can be approved/,
    ],
    ['a refused dry run (it keeps no plan)', record({ dryRun: true }), /was a dry run, which keeps no plan/],
    [
      'a refusal older than the limit',
      record({ finishedAt: '2026-11-25T11:00:00.000Z' }),
      /was refused 25 hours ago, more than SYNC_APPROVAL_MAX_AGE_HOURS \(24\): its plan is stale; .*\(run the sync again\)/,
    ],
  ])('409 for %s; nothing runs', async (_name, refused, message) => {
    const { approve, seen } = setup({ refused });
    const error = await rejection(approve());
    expect(error).toBeInstanceOf(ConflictException);
    expect(error.message).toMatch(message);
    expect(seen.requests).toEqual([]);
  });

  it('a refusal just within the age limit is approved', async () => {
    const { approve } = setup({ refused: record({ finishedAt: '2026-11-25T12:30:00.000Z' }) });
    expect((await approve()).record.status).toBe('succeeded');
  });

  it('409 for a run approved already, naming who and which run', async () => {
    const earlier: ApprovingRun = {
      id: 'approving-run',
      approvedBy: 'someone@example.ac.uk',
      status: 'succeeded',
    };
    const { approve, seen } = setup({ approvals: [earlier] });
    const error = await rejection(approve());
    expect(error).toBeInstanceOf(ConflictException);
    expect(error.message).toMatch(
      /already approved by someone@example.ac.uk \(run approving-run, succeeded\)/,
    );
    expect(seen.requests).toEqual([]);
  });

  it('409 when another approval wins the race between the first check and the lock: the job does not run', async () => {
    const rival: ApprovingRun = { id: 'rival-run', approvedBy: 'rival@example.ac.uk', status: 'running' };
    const { approve, seen } = setup({ approvals: [null, rival] });
    const error = await rejection(approve());
    expect(error).toBeInstanceOf(ConflictException);
    expect(error.message).toMatch(/already approved by rival@example.ac.uk \(run rival-run, running\)/);
    expect(seen.approvals).toEqual([]);
  });
});
