import { Inject, Injectable } from '@nestjs/common';
import {
  type Approval,
  type JobContext,
  opsEmails,
  type SafetyLimits,
  type SyncDefinition,
  type SyncOutcome,
  SyncRunner,
} from '@app/jobs';
import { EmailOutbox } from '@app/notifications';
import { SYNC_CONFIG, type LookupGitLabSyncConfig } from '../config.js';
import { type ApplyState, ChangeApplier } from './change-applier.service.js';
import type { PlannedChange } from './plan.util.js';
import { usersReadFloorReason } from './read-floor.util.js';
import { changedEmail, failedEmail, refusedEmail } from './sync-email.util.js';
import { type SyncReading, SyncPlanner } from './sync-planner.service.js';
import { describeRun, type SyncRunSummary } from './sync-summary.util.js';
import { type SyncDecision, syncPlanOf } from './sync.types.js';

export type SyncJobDefinition = SyncDefinition<
  SyncReading,
  SyncDecision,
  PlannedChange,
  ApplyState,
  SyncRunSummary
>;

/**
 * The sync as the sync runner runs it: snapshot GitLab and Lookup whole (or fail and change
 * nothing), plan, then the runner's read floor, safety limits, batches and emails (refused and
 * failed runs, and if asked runs that changed something), in this app's words.
 */
@Injectable()
export class SyncService {
  readonly definition: SyncJobDefinition;

  constructor(
    private readonly runner: SyncRunner,
    planner: SyncPlanner,
    applier: ChangeApplier,
    outbox: EmailOutbox,
    @Inject(SYNC_CONFIG) config: LookupGitLabSyncConfig,
  ) {
    const limits: SafetyLimits = {
      maxChangeRatio: config.SYNC_MAX_CHANGE_RATIO,
      ...(config.SYNC_MAX_CHANGES === undefined ? {} : { maxChanges: config.SYNC_MAX_CHANGES }),
    };
    this.definition = {
      read: () => planner.read(),
      readFloor: {
        minRatio: config.SYNC_MIN_USERS_READ_RATIO,
        size: (reading) => reading.snapshot.users.length,
      },
      plan: (reading, _ctx, refused) => planner.plan(reading, refused),
      changes: (decision) => decision.plan.changes,
      considered: (decision) => decision.plan.counts.considered,
      limits,
      changeKey: (change) => `${change.userId}:${change.action}`,
      apply: applier,
      describe: (run, applied) => describeRun(syncPlanOf(run), applied?.result, run.limits),
      notifier: opsEmails(outbox, config.OPS_EMAIL, {
        refused: (run, reason) => refusedEmail(run.runId, syncPlanOf(run), reason),
        failed: (runId, error, applied) => failedEmail(runId, error, applied?.result),
        changed: (run, { result }) =>
          result.applied > 0 && config.SYNC_NOTIFY_ON_CHANGE
            ? changedEmail(run.runId, result, run.approval?.approvedBy)
            : null,
      }),
      readFloorReason: usersReadFloorReason,
      approvalAuditAction: 'gitlab_sync.run.approved',
    };
  }

  /** A scheduled (or manual) run: the whole plan, within the read floor and the safety limits. */
  run(ctx: JobContext): Promise<SyncOutcome<SyncRunSummary>> {
    return this.runner.run(ctx, this.definition);
  }

  /**
   * An operator's approval of a refused run: a fresh snapshot and plan, of which only the changes
   * the refused plan also held are applied, with no limit (the operator approved that size). The
   * approval is audited when the run starts applying, so a dry run or a failed read records none.
   */
  runApproved(ctx: JobContext, approval: Approval): Promise<SyncOutcome<SyncRunSummary>> {
    return this.runner.run(ctx, this.definition, approval);
  }
}
