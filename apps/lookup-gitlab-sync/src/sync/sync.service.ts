import { Inject, Injectable } from '@nestjs/common';
import { type JobContext, type JobOutcome, planThenApply, type SafetyLimits } from '@app/jobs';
import { redactUrlCredentials } from '@app/logging';
import { type ApprovedChange, intersectApproved } from '../approval/approved-changes.util.js';
import { SYNC_CONFIG, type LookupGitLabSyncConfig } from '../config.js';
import { GitLabClient } from '../gitlab/gitlab.client.js';
import { LookupClient } from '../lookup/lookup.client.js';
import { ChangeApplier } from './change-applier.service.js';
import { type Plan, type PlannedChange, planSync } from './plan.util.js';
import { takeSnapshot } from './snapshot.js';
import { changedEmail, failedEmail, refusedEmail } from './sync-email.util.js';
import { SyncNotifier } from './sync-notifier.service.js';
import { describeRun, type RunLimits } from './sync-summary.util.js';
import { SyncRepository } from './sync.repository.js';
import type { ApplyResult, ApprovalSelection, SyncPlan } from './sync.types.js';

/** How a run picks what to apply from the fresh plan, and the limits it is held to. */
interface RunMode {
  limits: RunLimits;
  select(plan: Plan): { changes: PlannedChange[]; approval?: ApprovalSelection };
}

export interface Approval {
  refusedRunId: string;
  approvedBy: string;
  approved: readonly ApprovedChange[];
}

/**
 * The sync: snapshot GitLab and Lookup whole (or fail and change nothing), plan, check the safety
 * limits, apply; refused and failed runs, and (if asked) runs that changed something, are emailed.
 */
@Injectable()
export class SyncService {
  constructor(
    private readonly gitlab: GitLabClient,
    private readonly lookup: LookupClient,
    private readonly repository: SyncRepository,
    private readonly applier: ChangeApplier,
    private readonly notifier: SyncNotifier,
    @Inject(SYNC_CONFIG) private readonly config: LookupGitLabSyncConfig,
  ) {}

  get limits(): SafetyLimits {
    return {
      maxChangeRatio: this.config.SYNC_MAX_CHANGE_RATIO,
      ...(this.config.SYNC_MAX_CHANGES === undefined ? {} : { maxChanges: this.config.SYNC_MAX_CHANGES }),
    };
  }

  /** A scheduled (or manual) run: the whole plan, within the safety limits. */
  run(ctx: JobContext): Promise<JobOutcome> {
    return this.execute(ctx, { limits: this.limits, select: (plan) => ({ changes: plan.changes }) });
  }

  /**
   * An operator's approval of a refused run: a fresh snapshot and plan, of which only the changes
   * the refused plan also held are applied, with no limit (the operator approved that size).
   */
  async runApproved(ctx: JobContext, approval: Approval): Promise<JobOutcome> {
    if (!ctx.dryRun) {
      await ctx.audit({
        action: 'gitlab_sync.run.approved',
        entityType: 'job_run',
        entityId: approval.refusedRunId,
        before: { status: 'refused' },
        after: { approvedBy: approval.approvedBy, approvingRunId: ctx.runId },
        reason: `${approval.approvedBy} approved the ${approval.approved.length} planned change(s) of refused run ${approval.refusedRunId}`,
      });
    }
    return this.execute(ctx, {
      limits: null,
      select: (plan) => {
        const intersection = intersectApproved(plan.changes, approval.approved);
        return {
          changes: intersection.changes,
          approval: {
            refusedRunId: approval.refusedRunId,
            approvedBy: approval.approvedBy,
            approved: approval.approved.length,
            noLongerPlanned: intersection.noLongerPlanned,
            notApproved: intersection.notApproved,
          },
        };
      },
    });
  }

  private async execute(ctx: JobContext, mode: RunMode): Promise<JobOutcome> {
    let planned: SyncPlan | undefined;
    let applied: ApplyResult | undefined;
    let notified: boolean | undefined;
    let outcome: JobOutcome;
    try {
      outcome = await planThenApply(ctx, {
        plan: async () => (planned = await this.plan(mode)),
        size: (sync) => ({ changes: sync.changes.length, considered: sync.plan.counts.considered }),
        limits: mode.limits ?? {},
        apply: async (sync) => (applied = await this.applier.apply(ctx, sync)),
        describe: (sync, result) => describeRun(sync, result, mode.limits),
        onRefused: async (sync, reason) => {
          await this.repository.savePlannedChanges(ctx.runId, sync.changes);
          notified = await this.notifier.notify(ctx.runId, 'refused', refusedEmail(ctx.runId, sync, reason));
        },
      });
    } catch (error) {
      const message = redactUrlCredentials(error instanceof Error ? error.message : String(error));
      if (!ctx.dryRun) await this.notifier.notify(ctx.runId, 'failed', failedEmail(ctx.runId, message));
      throw error;
    }
    if (applied?.aborted !== undefined) {
      const error = `GitLab failed while the changes were applied: ${redactUrlCredentials(applied.aborted)}`;
      notified = await this.notifier.notify(ctx.runId, 'failed', failedEmail(ctx.runId, error, applied));
      outcome = { status: 'failed', summary: outcome.summary, error };
    } else if (applied !== undefined && applied.applied > 0 && this.config.SYNC_NOTIFY_ON_CHANGE) {
      notified = await this.notifier.notify(
        ctx.runId,
        'changed',
        changedEmail(ctx.runId, applied, planned?.approval?.approvedBy),
      );
    }
    return notified === undefined ? outcome : { ...outcome, summary: { ...outcome.summary, notified } };
  }

  /** Reads both systems completely (or throws), then plans. Changes nothing. */
  private async plan(mode: RunMode): Promise<SyncPlan> {
    const started = Date.now();
    const ourBlocks = await this.repository.findOurBlocks();
    const calls = { gitlab: this.gitlab.calls, lookup: this.lookup.calls };
    const snapshot = await takeSnapshot(this.gitlab, this.lookup, {
      identityProvider: this.config.GITLAB_IDENTITY_PROVIDER,
      lookupConcurrency: this.config.SYNC_LOOKUP_CONCURRENCY,
    });
    const plan = planSync({
      users: snapshot.users,
      people: snapshot.people,
      blockedByUs: new Set(
        ourBlocks.filter((block) => block.reason === 'cancelled_in_lookup').map((block) => block.userId),
      ),
      identityProvider: this.config.GITLAB_IDENTITY_PROVIDER,
      externalInactiveMonths: this.config.SYNC_EXTERNAL_INACTIVE_MONTHS,
      now: new Date(),
    });
    const stateNow = new Map(snapshot.users.map((user) => [user.id, user.state]));
    const selected = mode.select(plan);
    return {
      plan,
      changes: selected.changes,
      ...(selected.approval === undefined ? {} : { approval: selected.approval }),
      staleBlocks: ourBlocks
        .filter((block) => stateNow.get(block.userId) !== 'blocked')
        .map((block) => ({ ...block, stateNow: stateNow.get(block.userId) ?? null })),
      calls: { gitlab: this.gitlab.calls - calls.gitlab, lookup: this.lookup.calls - calls.lookup },
      snapshotMs: Date.now() - started,
    };
  }
}
