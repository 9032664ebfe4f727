import { describe, expect, it } from '@jest/globals';
import type { PrismaTx } from '@app/db';
import {
  type AuditInput,
  type JobContext,
  type JobRunRepository,
  type PlannedChangeRepository,
  SyncRunner,
} from '@app/jobs';
import type { EmailOutbox } from '@app/notifications';
import { fake } from '@app/testing';
import type { LookupGitLabSyncConfig } from '../config.js';
import type { GitLabClient } from '../gitlab/gitlab.client.js';
import type { MutationResult } from '../gitlab/gitlab.types.js';
import { ChangeApplier } from './change-applier.service.js';
import type { Plan, PlannedChange } from './plan.util.js';
import type { SyncPlanner, SyncReading } from './sync-planner.service.js';
import type { SyncRepository } from './sync.repository.js';
import { SyncService } from './sync.service.js';
import type { SyncDecision } from './sync.types.js';

function change(userId: number): PlannedChange {
  return {
    action: 'block',
    userId,
    username: `u${userId}`,
    crsid: `ab${userId}`,
    reason: 'cancelled_in_lookup',
    state: 'active',
  };
}

function decision(changes: PlannedChange[], considered: number): SyncDecision {
  const plan = {
    changes,
    unknownCrsids: [],
    counts: { usersRead: considered, considered },
  } as unknown as Plan;
  return { plan, staleBlocks: [], settlements: [], calls: { gitlab: 0, lookup: 0 }, snapshotMs: 0 };
}

const CONFIG = {
  SYNC_MAX_CHANGE_RATIO: 0.05,
  SYNC_MAX_CHANGES: undefined,
  SYNC_MIN_USERS_READ_RATIO: 0.5,
  SYNC_APPLY_CONCURRENCY: 1,
  SYNC_MAX_CONSECUTIVE_REFUSALS: 3,
  SYNC_NOTIFY_ON_CHANGE: true,
  OPS_EMAIL: ['ops@example.ac.uk'],
} as const;

interface Setup {
  changes: PlannedChange[];
  considered: number;
  /** GitLab's answer to a block of this user. */
  answer?: (userId: number) => MutationResult;
  /** The database fails while recording GitLab's answers. */
  recordingFails?: boolean;
  previousRead?: number;
  usersRead?: number;
  dryRun?: boolean;
}

function setup(options: Setup) {
  const seen = {
    emails: [] as { subject: string; dedupeKey: string }[],
    blocked: [] as number[],
    recorded: [] as number[],
    saved: [] as string[],
    audits: [] as AuditInput[],
  };
  const gitlab = fake<GitLabClient>({
    calls: 0,
    blockUser: (userId) => {
      seen.blocked.push(userId);
      return Promise.resolve(options.answer?.(userId) ?? { ok: true });
    },
  });
  const repository = fake<SyncRepository>({
    settle: () => Promise.resolve(),
    recordIntents: () => Promise.resolve(),
    recordOutcomes: async (_runId, outcomes, _notSent, audit) => {
      if (options.recordingFails) throw new Error('Database error.\nthe database went away');
      seen.recorded.push(...outcomes.map((o) => o.change.userId));
      await audit(fake<PrismaTx>());
    },
  });
  const config = fake<LookupGitLabSyncConfig>({ ...CONFIG, OPS_EMAIL: [...CONFIG.OPS_EMAIL] });
  const applier = new ChangeApplier(gitlab, repository, config);
  const reading = {
    snapshot: { users: Array.from({ length: options.usersRead ?? options.considered }), people: new Map() },
  } as unknown as SyncReading;
  const planner = fake<SyncPlanner>({
    read: () => Promise.resolve(reading),
    plan: () => Promise.resolve(decision(options.changes, options.considered)),
  });
  const runs = fake<JobRunRepository>({
    findLastReadSize: () =>
      Promise.resolve(
        options.previousRead === undefined ? null : { runId: 'last-run', size: options.previousRead },
      ),
  });
  const plans = fake<PlannedChangeRepository>({
    save: (_runId, entries) => {
      seen.saved.push(...entries.map((e) => e.key));
      return Promise.resolve();
    },
  });
  const outbox = fake<EmailOutbox>({
    sendEmail: (message) => {
      seen.emails.push({ subject: message.subject, dedupeKey: message.dedupeKey ?? '' });
      return Promise.resolve({ id: 1n, duplicate: false });
    },
  });
  const service = new SyncService(new SyncRunner(runs, plans), planner, applier, outbox, config);
  const ctx: JobContext = {
    runId: 'run-1',
    app: 'lookup-gitlab-sync',
    job: 'sync',
    scope: null,
    dryRun: options.dryRun ?? false,
    forcedDryRun: false,
    trigger: 'test',
    actor: 'tester',
    audit: (event) => {
      seen.audits.push(event);
      return Promise.resolve();
    },
    auditMany: (events) => {
      seen.audits.push(...events);
      return Promise.resolve();
    },
    assertLockHeld: () => undefined,
  };
  return { service, ctx, seen };
}

const users = (from: number, n: number) => Array.from({ length: n }, (_, i) => change(from + i));

describe('SyncService on the sync runner', () => {
  it('applies a plan within the limit, audits each block and emails what changed', async () => {
    const { service, ctx, seen } = setup({ changes: users(1, 5), considered: 100 });
    const outcome = await service.run(ctx);
    expect(outcome.status).toBe('succeeded');
    expect(outcome.summary.counts).toMatchObject({ planned: 5, applied: 5, notAttempted: 0 });
    expect(outcome.readSize).toBe(100);
    expect(seen.blocked).toEqual([1, 2, 3, 4, 5]);
    expect(seen.audits.map((a) => a.action)).toEqual(Array(5).fill('gitlab.user.block'));
    expect(seen.emails).toEqual([
      {
        subject: '[lookup-gitlab-sync] sync applied 5 change(s)',
        dedupeKey: 'lookup-gitlab-sync:sync:run-1:changed',
      },
    ]);
  });

  it('refuses one over the limit: nothing sent, the plan kept by user and action, operators emailed', async () => {
    const { service, ctx, seen } = setup({ changes: users(1, 6), considered: 100 });
    const outcome = await service.run(ctx);
    expect(outcome.status).toBe('refused');
    expect(outcome.error).toMatch(/6 planned changes exceed 5% of the 100 considered \(at most 5\)/);
    expect(seen.blocked).toEqual([]);
    expect(seen.saved).toEqual(['1:block', '2:block', '3:block', '4:block', '5:block', '6:block']);
    expect(seen.emails.map((e) => e.subject)).toEqual([
      '[lookup-gitlab-sync] sync refused: 6 changes planned, over the safety limit',
    ]);
  });

  it('refuses a read far smaller than the last successful run, in its own words', async () => {
    const { service, ctx, seen } = setup({ changes: [], considered: 100, usersRead: 100, previousRead: 250 });
    const outcome = await service.run(ctx);
    expect(outcome.status).toBe('refused');
    expect(outcome.error).toBe(
      '100 GitLab users read, fewer than 50% of the 250 read by the last successful run last-run ' +
        '(SYNC_MIN_USERS_READ_RATIO): a truncated or empty read?',
    );
    expect(seen.emails.map((e) => e.subject)).toEqual([
      '[lookup-gitlab-sync] sync refused: 0 changes planned, too few GitLab users read',
    ]);
  });

  it('stops after SYNC_MAX_CONSECUTIVE_REFUSALS refusals in a row: failed, the rest not attempted, emailed', async () => {
    const { service, ctx, seen } = setup({
      changes: users(1, 5),
      considered: 100,
      answer: () => ({ ok: false, status: 403, message: 'Forbidden' }),
    });
    const outcome = await service.run(ctx);
    expect(outcome.status).toBe('failed');
    expect(outcome.error).toMatch(/GitLab refused 3 changes in a row/);
    expect(outcome.summary.counts).toMatchObject({ failed: 3, applied: 0, notAttempted: 2 });
    expect(seen.blocked).toEqual([1, 2, 3]);
    expect(seen.emails.map((e) => e.dedupeKey)).toEqual(['lookup-gitlab-sync:sync:run-1:failed']);
  });

  it('a database failure while recording answers fails the run with what GitLab may have made', async () => {
    const { service, ctx } = setup({ changes: users(1, 2), considered: 100, recordingFails: true });
    const outcome = await service.run(ctx);
    expect(outcome.status).toBe('failed');
    expect(outcome.error).toBe(
      "the database failed while recording GitLab's answers: the database went away",
    );
    expect(outcome.summary.counts).toMatchObject({ applied: 2, unrecorded: 2 });
  });

  it('GitLab refusing every change it was sent, applying none, fails the run', async () => {
    const { service, ctx } = setup({
      changes: users(1, 2),
      considered: 100,
      answer: () => ({ ok: false, status: 404, message: 'gone' }),
    });
    const outcome = await service.run(ctx);
    expect(outcome).toMatchObject({ status: 'failed' });
    expect(outcome.error).toMatch(/GitLab refused all 2 change\(s\) it was sent and applied none/);
  });

  it('an approval applies only the approved changes still planned, over the limit, audited as approved', async () => {
    const { service, ctx, seen } = setup({ changes: users(1, 6), considered: 100 });
    const outcome = await service.runApproved(ctx, {
      refusedRunId: 'refused-run',
      approvedBy: 'op@example.ac.uk',
      approvedKeys: ['1:block', '2:block', '3:block', '4:block', '5:block', '9:block', '6:unblock'],
    });
    expect(outcome.status).toBe('succeeded');
    expect(outcome.summary.approval).toEqual({
      refusedRunId: 'refused-run',
      approvedBy: 'op@example.ac.uk',
      approved: 7,
      noLongerPlanned: 2,
      notApproved: 1,
    });
    expect(seen.blocked).toEqual([1, 2, 3, 4, 5]);
    expect(seen.audits[0]).toMatchObject({ action: 'gitlab_sync.run.approved', entityId: 'refused-run' });
    expect(seen.audits[1]?.reason).toContain('approved by op@example.ac.uk (refused run refused-run)');
  });

  it('a dry run sends nothing and emails no one', async () => {
    const { service, ctx, seen } = setup({ changes: users(1, 3), considered: 100, dryRun: true });
    const outcome = await service.run(ctx);
    expect(outcome).toMatchObject({ status: 'succeeded', summary: { dryRun: true } });
    expect(seen.blocked).toEqual([]);
    expect(seen.emails).toEqual([]);
  });
});
