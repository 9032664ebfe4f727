import { Inject, Injectable } from '@nestjs/common';
import { type JobContext, type JobOutcome, planThenApply, type SafetyLimits } from '@app/jobs';
import { redactUrlCredentials } from '@app/logging';
import { type ApprovedChange, intersectApproved } from '../approval/approved-changes.util.js';
import { SYNC_CONFIG, type LookupGitLabSyncConfig } from '../config.js';
import { ChangeApplier } from './change-applier.service.js';
import { changedEmail, failedEmail, refusedEmail } from './sync-email.util.js';
import { SyncNotifier } from './sync-notifier.service.js';
import { type PlanSelection, SyncPlanner } from './sync-planner.service.js';
import { describeRun, type RunLimits } from './sync-summary.util.js';
import { SyncRepository } from './sync.repository.js';
import type { ApplyResult, SyncPlan } from './sync.types.js';

/** How a run picks what to apply from the fresh plan, the limits it is held to, and what it does first. */
interface RunMode {
  limits: RunLimits;
  selection: PlanSelection;
  /** Called once the run starts applying (not for a dry run or a refused plan). */
  beforeApply?: () => Promise<void>;
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
    private readonly planner: SyncPlanner,
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
    return this.execute(ctx, {
      limits: this.limits,
      selection: { checkUsersRead: true, select: (plan) => ({ changes: plan.changes }) },
    });
  }

  /**
   * An operator's approval of a refused run: a fresh snapshot and plan, of which only the changes
   * the refused plan also held are applied, with no limit (the operator approved that size). The
   * approval is audited when the run starts applying, so a dry run or a failed read records none.
   */
  runApproved(ctx: JobContext, approval: Approval): Promise<JobOutcome> {
    return this.execute(ctx, {
      limits: null,
      beforeApply: () =>
        ctx.audit({
          action: 'gitlab_sync.run.approved',
          entityType: 'job_run',
          entityId: approval.refusedRunId,
          before: { status: 'refused' },
          after: { approvedBy: approval.approvedBy, approvingRunId: ctx.runId },
          reason: `${approval.approvedBy} approved the ${approval.approved.length} planned change(s) of refused run ${approval.refusedRunId}`,
        }),
      selection: {
        checkUsersRead: false,
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
      },
    });
  }

  private async execute(ctx: JobContext, mode: RunMode): Promise<JobOutcome> {
    let planned: SyncPlan | undefined;
    let applied: ApplyResult | undefined;
    let notified: boolean | undefined;
    let outcome: JobOutcome;
    const refuse = async (sync: SyncPlan, reason: string) => {
      await this.repository.savePlannedChanges(ctx.runId, sync.changes);
      notified = await this.notifier.notify(ctx.runId, 'refused', refusedEmail(ctx.runId, sync, reason));
    };
    try {
      const sync = (planned = await this.planner.plan(ctx, mode.selection));
      const { refusedBecause } = sync;
      if (refusedBecause !== undefined) {
        // Refused before the limits: the read itself is implausible. Approvable like any refusal.
        if (!ctx.dryRun) await refuse(sync, refusedBecause);
        const summary = { ...describeRun(sync, undefined, mode.limits), refusedBecause };
        outcome = { status: 'refused', summary, error: refusedBecause };
      } else {
        outcome = await planThenApply(ctx, {
          plan: () => Promise.resolve(sync),
          size: (plan) => ({ changes: plan.changes.length, considered: plan.plan.counts.considered }),
          limits: mode.limits ?? {},
          apply: async (plan) => {
            await mode.beforeApply?.();
            return (applied = await this.applier.apply(ctx, plan));
          },
          describe: (plan, result) => describeRun(plan, result, mode.limits),
          onRefused: refuse,
        });
      }
    } catch (error) {
      const message = redactUrlCredentials(error instanceof Error ? error.message : String(error));
      if (!ctx.dryRun)
        await this.notifier.notify(ctx.runId, 'failed', failedEmail(ctx.runId, message, applied));
      throw error;
    }
    const failure = applied === undefined ? undefined : applyFailure(applied);
    if (applied !== undefined && failure !== undefined) {
      const error = redactUrlCredentials(failure);
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
}

/**
 * Why an applied run counts as failed: it stopped before the end, or GitLab refused every change
 * it was sent and applied none (a refusal that concerns everyone, e.g. a token without the rights).
 */
export function applyFailure(applied: ApplyResult): string | undefined {
  if (applied.aborted !== undefined) return applied.aborted;
  if (applied.failed > 0 && applied.applied === 0) {
    const first = applied.failures[0];
    const example =
      first === undefined ? '' : ` (the first: HTTP ${first.status ?? '?'} ${first.message ?? ''})`;
    return `GitLab refused all ${applied.failed} change(s) it was sent and applied none${example}`;
  }
  return undefined;
}
