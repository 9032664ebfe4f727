import { describe, expect, it } from '@jest/globals';
import { fake } from '@app/testing';
import type { JobRunRepository } from './job-run.repository.js';
import type { AuditInput, JobContext } from './job.types.js';
import { opsEmails } from './ops-emails.js';
import type { PlannedChangeRepository } from './planned-change.repository.js';
import { LockLostError } from './run-lock.js';
import { SyncRunner } from './sync-runner.service.js';
import type { Approval, RunMailer, SyncDefinition, SyncRun } from './sync.types.js';

/** A toy sync: items read, a change per item flagged, applied in batches of 2. */
interface Item {
  id: number;
  flagged: boolean;
}
interface Change {
  id: number;
}
interface Plan {
  items: number;
  changes: Change[];
}
interface Applied {
  done: number[];
  ended?: { stoppedBecause?: string; notAttempted: number };
}
interface Summary {
  planned: number;
  applied: number;
  approval?: SyncRun<Plan, Change>['approval'];
}

interface World {
  ctx: JobContext;
  audits: AuditInput[];
  saved: { runId: string; keys: string[] }[];
  emails: { subject: string; dedupeKey: string }[];
  planCalls: boolean[];
  lockChecks: number;
}

function world(options: { dryRun?: boolean; loseLockAtCheck?: number } = {}): World {
  const w: World = {
    audits: [],
    saved: [],
    emails: [],
    planCalls: [],
    lockChecks: 0,
    ctx: {
      runId: 'run-1',
      app: 'toy-app',
      job: 'toy',
      scope: null,
      dryRun: options.dryRun ?? false,
      forcedDryRun: false,
      trigger: 'test',
      actor: 'tester',
      audit: (event) => {
        w.audits.push(event);
        return Promise.resolve();
      },
      auditMany: (events) => {
        w.audits.push(...events);
        return Promise.resolve();
      },
      assertLockHeld: () => {
        w.lockChecks += 1;
        if (w.lockChecks === options.loseLockAtCheck) throw new LockLostError('job:toy-app:toy:');
      },
    },
  };
  return w;
}

function runnerFor(w: World, previousRead: number | null = null): SyncRunner {
  const runs = fake<JobRunRepository>({
    findLastReadSize: () =>
      Promise.resolve(previousRead === null ? null : { runId: 'previous-run', size: previousRead }),
  });
  const plans = fake<PlannedChangeRepository>({
    save: (runId, changes) => {
      w.saved.push({ runId, keys: changes.map((c) => c.key) });
      return Promise.resolve();
    },
  });
  return new SyncRunner(runs, plans);
}

function mailer(w: World, fails = false): RunMailer {
  return {
    sendEmail: (message) => {
      if (fails) return Promise.reject(new Error('outbox down'));
      w.emails.push({ subject: message.subject, dedupeKey: message.dedupeKey });
      return Promise.resolve();
    },
  };
}

function toy(
  w: World,
  items: Item[],
  overrides: Partial<SyncDefinition<Item[], Plan, Change, Applied, Summary>> & {
    mailerFails?: boolean;
    stopAtBatch?: number;
  } = {},
): SyncDefinition<Item[], Plan, Change, Applied, Summary> {
  let batches = 0;
  return {
    read: () => Promise.resolve(items),
    readFloor: { minRatio: 0.5, size: (snapshot) => snapshot.length },
    plan: (snapshot, _ctx, refused) => {
      w.planCalls.push(refused);
      return Promise.resolve({
        items: snapshot.length,
        changes: snapshot.filter((i) => i.flagged).map((i) => ({ id: i.id })),
      });
    },
    changes: (plan) => plan.changes,
    considered: (plan) => plan.items,
    limits: { maxChangeRatio: 0.5 },
    changeKey: (change) => `item:${change.id}`,
    apply: {
      batchSize: 2,
      start: () => ({ done: [] }),
      applyBatch: (_ctx, batch, applied) => {
        batches += 1;
        applied.done.push(...batch.map((c) => c.id));
        return Promise.resolve(batches === overrides.stopAtBatch ? 'the target fell over' : undefined);
      },
      end: (applied, ending) => {
        applied.ended = ending;
      },
    },
    describe: (run, applied) => ({
      planned: run.changes.length,
      applied: applied?.done.length ?? 0,
      ...(run.approval === undefined ? {} : { approval: run.approval }),
    }),
    notifier: opsEmails(mailer(w, overrides.mailerFails), ['ops@example.ac.uk'], {
      refused: (run, reason) => ({ subject: `refused ${run.changes.length}`, text: reason }),
      failed: (runId, error) => ({ subject: `failed ${runId}`, text: error }),
      changed: (_run, applied) => (applied.done.length > 0 ? { subject: 'changed', text: '' } : null),
    }),
    readFloorReason: (read, previous) => `only ${read} of ${previous.size} read`,
    approvalAuditAction: 'toy.run.approved',
    ...overrides,
  };
}

const items = (n: number, flagged: number): Item[] =>
  Array.from({ length: n }, (_, i) => ({ id: i + 1, flagged: i < flagged }));

describe('SyncRunner', () => {
  it('applies a plan within the limits in batches, checking the lock before each, and says what changed', async () => {
    const w = world();
    const outcome = await runnerFor(w).run(w.ctx, toy(w, items(10, 5)));
    expect(outcome).toMatchObject({
      status: 'succeeded',
      summary: { planned: 5, applied: 5, notified: true },
    });
    expect(outcome.readSize).toBe(10);
    // once before applying, then before each of the 3 batches
    expect(w.lockChecks).toBe(4);
    expect(w.emails).toEqual([{ subject: 'changed', dedupeKey: 'toy-app:toy:run-1:changed' }]);
    expect(w.saved).toEqual([]);
  });

  it('dry run: the same planning and limit check, then stops: nothing applied, stored or emailed', async () => {
    const w = world({ dryRun: true });
    const applyCalls: Change[][] = [];
    const job = toy(w, items(10, 5));
    const outcome = await runnerFor(w).run(w.ctx, {
      ...job,
      apply: {
        ...job.apply,
        applyBatch: (_c, batch) => (applyCalls.push(batch), Promise.resolve(undefined)),
      },
    });
    expect(outcome).toEqual({
      status: 'succeeded',
      summary: { planned: 5, applied: 0, dryRun: true },
      readSize: 10,
    });
    expect(applyCalls).toEqual([]);
    expect(w.emails).toEqual([]);
    expect(w.saved).toEqual([]);
  });

  it('refuses a plan over a limit: nothing applied, the plan stored by change key, operators emailed', async () => {
    const w = world();
    const outcome = await runnerFor(w).run(w.ctx, toy(w, items(10, 6)));
    expect(outcome.status).toBe('refused');
    expect(outcome.error).toMatch(/6 planned changes exceed 50% of the 10 considered \(at most 5\)/);
    expect(outcome.summary).toMatchObject({ planned: 6, applied: 0, notified: true });
    expect(outcome.summary.refusedBecause).toBe(outcome.error);
    expect(w.saved).toEqual([
      { runId: 'run-1', keys: ['item:1', 'item:2', 'item:3', 'item:4', 'item:5', 'item:6'] },
    ]);
    expect(w.emails).toEqual([{ subject: 'refused 6', dedupeKey: 'toy-app:toy:run-1:refused' }]);
    expect(w.lockChecks).toBe(0);
  });

  it('a refused dry run stores no plan and emails no one', async () => {
    const w = world({ dryRun: true });
    const outcome = await runnerFor(w).run(w.ctx, toy(w, items(10, 6)));
    expect(outcome.status).toBe('refused');
    expect(outcome.summary).not.toHaveProperty('notified');
    expect(w.saved).toEqual([]);
    expect(w.emails).toEqual([]);
  });

  it('refuses an implausibly small read (the read floor) before the limits, telling the planner', async () => {
    const w = world();
    const outcome = await runnerFor(w, 100).run(w.ctx, toy(w, items(40, 1)));
    expect(outcome).toMatchObject({ status: 'refused', error: 'only 40 of 100 read', readSize: 40 });
    expect(w.planCalls).toEqual([true]);
    expect(w.saved).toEqual([{ runId: 'run-1', keys: ['item:1'] }]);
  });

  it('exactly at the read floor, or with no earlier read, the run goes on', async () => {
    for (const previous of [80, null]) {
      const w = world();
      const outcome = await runnerFor(w, previous).run(w.ctx, toy(w, items(40, 1)));
      expect(outcome.status).toBe('succeeded');
      expect(w.planCalls).toEqual([false]);
    }
  });

  it('a failed read fails the run: operators are emailed and the error goes to the job runner', async () => {
    const w = world();
    const job = toy(w, items(10, 1), {
      read: () => Promise.reject(new Error('upstream down at https://user:secret@example.org/')),
    });
    await expect(runnerFor(w).run(w.ctx, job)).rejects.toThrow(/upstream down/);
    expect(w.emails).toEqual([{ subject: 'failed run-1', dedupeKey: 'toy-app:toy:run-1:failed' }]);
  });

  it('a batch that reports a reason to stop fails the run, with how far it got', async () => {
    const w = world();
    const outcome = await runnerFor(w).run(w.ctx, toy(w, items(10, 5), { stopAtBatch: 2 }));
    expect(outcome).toMatchObject({
      status: 'failed',
      error: 'the target fell over',
      summary: { applied: 4, notified: true },
    });
    expect(w.emails.map((e) => e.subject)).toEqual(['failed run-1']);
  });

  it("the applier's own failure rule fails a run that applied to the end", async () => {
    const w = world();
    const job = toy(w, items(10, 2));
    const outcome = await runnerFor(w).run(w.ctx, {
      ...job,
      apply: { ...job.apply, failure: () => 'every change was refused' },
    });
    expect(outcome).toMatchObject({ status: 'failed', error: 'every change was refused' });
  });

  it('a lock lost before a batch stops the run there: the rest is not attempted', async () => {
    // check 1: before applying; 2: batch 1; 3: batch 2 -> lost
    const w = world({ loseLockAtCheck: 3 });
    let ended: Applied['ended'];
    const job = toy(w, items(10, 5));
    const outcome = await runnerFor(w).run(w.ctx, {
      ...job,
      apply: {
        ...job.apply,
        end: (applied, ending) => {
          ended = ending;
          applied.ended = ending;
        },
      },
    });
    expect(outcome.status).toBe('failed');
    expect(outcome.error).toMatch(/lost the run lock/);
    expect(outcome.summary.applied).toBe(2);
    expect(ended).toEqual({ stoppedBecause: expect.stringMatching(/lost the run lock/), notAttempted: 3 });
  });

  it('an email that cannot be queued does not change the outcome: the summary says so', async () => {
    const w = world();
    const outcome = await runnerFor(w).run(w.ctx, toy(w, items(10, 6), { mailerFails: true }));
    expect(outcome).toMatchObject({ status: 'refused', summary: { notified: false } });
    expect(w.saved).toHaveLength(1);
  });

  it('an approval applies only the fresh changes the refused plan held, with no limit and no read floor, audited first', async () => {
    const w = world();
    const approval: Approval = {
      refusedRunId: 'refused-run',
      approvedBy: 'op@example.ac.uk',
      approvedKeys: ['item:1', 'item:2', 'item:3', 'item:4', 'item:99'],
    };
    // 8 of 10 flagged: far over the 50% limit, and a read far below the previous 100.
    const outcome = await runnerFor(w, 100).run(w.ctx, toy(w, items(10, 8)), approval);
    expect(outcome.status).toBe('succeeded');
    expect(outcome.summary).toMatchObject({
      planned: 4,
      applied: 4,
      approval: {
        refusedRunId: 'refused-run',
        approvedBy: 'op@example.ac.uk',
        approved: 5,
        noLongerPlanned: 1,
        notApproved: 4,
      },
    });
    expect(w.planCalls).toEqual([false]);
    expect(w.audits[0]).toMatchObject({
      action: 'toy.run.approved',
      entityType: 'job_run',
      entityId: 'refused-run',
      after: { approvedBy: 'op@example.ac.uk', approvingRunId: 'run-1' },
    });
  });

  it('a run that concludes on its read (bad input, nothing to do) ends there with its own outcome', async () => {
    const w = world();
    const outcome = await runnerFor(w).run(
      w.ctx,
      toy(w, items(10, 1), {
        conclude: () => Promise.resolve({ status: 'succeeded', summary: { planned: 0, applied: 0 } }),
      }),
    );
    expect(outcome).toEqual({ status: 'succeeded', summary: { planned: 0, applied: 0 }, readSize: 10 });
    expect(w.planCalls).toEqual([]);
  });

  it("the app's own refusal rule refuses like a limit", async () => {
    const w = world();
    const outcome = await runnerFor(w).run(w.ctx, toy(w, items(10, 1), { refusal: () => 'would empty it' }));
    expect(outcome).toMatchObject({ status: 'refused', error: 'would empty it' });
  });
});
