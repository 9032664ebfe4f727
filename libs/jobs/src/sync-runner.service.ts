import { Injectable, Logger } from '@nestjs/common';
import { redactUrlCredentials } from '@app/logging';
import { JobRunRepository } from './job-run.repository.js';
import type { JobContext } from './job.types.js';
import { PlannedChangeRepository } from './planned-change.repository.js';
import { isBelowReadFloor } from './read-floor.util.js';
import { checkSafetyLimits } from './safety.util.js';
import type { Approval, SyncDefinition, SyncOutcome, SyncRun, SyncSummary } from './sync.types.js';

/**
 * The sync runner: snapshot -> read floor -> plan -> safety limits -> (refused: store the plan,
 * email) -> dry run stops -> apply in batches, checking the run lock before each -> describe ->
 * email. An approval run goes the same way with no read floor and no limits, applying only the
 * fresh changes whose keys the refused plan held. Runs inside JobRunner.run (lock, record, audit).
 */
@Injectable()
export class SyncRunner {
  private readonly logger = new Logger('SyncRunner');

  constructor(
    private readonly runs: JobRunRepository,
    private readonly plans: PlannedChangeRepository,
  ) {}

  async run<Snapshot, Plan, Change, Applied, Summary extends object, N>(
    ctx: JobContext,
    job: SyncDefinition<Snapshot, Plan, Change, Applied, Summary, N>,
    approval?: Approval,
  ): Promise<SyncOutcome<Summary, N>> {
    type Outcome = SyncOutcome<Summary, N>;
    let applied: Applied | undefined;
    let readSize: number | undefined;
    const sized = (outcome: Outcome): Outcome =>
      readSize === undefined ? outcome : { ...outcome, readSize };
    try {
      const floor = approval === undefined ? job.readFloor : undefined;
      const previous =
        floor !== undefined && floor.minRatio > 0 ? await this.runs.findLastReadSize(ctx.app, ctx.job) : null;
      // Held only until planned: the apply, often the longest part, runs without the whole read.
      let snapshot: Snapshot | undefined = await job.read(ctx);
      readSize = job.readFloor?.size(snapshot);
      const concluded = await job.conclude?.(snapshot, ctx);
      if (concluded !== undefined) return sized(concluded);
      let refusedBecause: string | undefined;
      const read = readSize ?? 0;
      if (floor !== undefined && previous !== null && isBelowReadFloor(read, previous, floor.minRatio)) {
        refusedBecause =
          job.readFloorReason?.(read, previous, floor.minRatio) ??
          `${read} read, fewer than ${Math.round(floor.minRatio * 100)}% of the ${previous.size} ` +
            `read by the last successful run ${previous.runId}: a truncated or empty read?`;
      }
      const plan = await job.plan(snapshot, ctx, refusedBecause !== undefined);
      snapshot = undefined;
      const run = this.select(ctx, job, plan, approval, refusedBecause);

      const refusal = run.refusedBecause ?? this.refusal(job, run);
      if (refusal !== undefined) {
        const summary: SyncSummary<Summary, N> = {
          ...job.describe(run, undefined, 'refused'),
          refusedBecause: refusal,
        };
        if (!ctx.dryRun) {
          const { changeKey } = job;
          if (changeKey !== undefined) {
            await this.plans.save(
              ctx.runId,
              run.changes.map((change) => ({ key: changeKey(change), change })),
            );
          }
          summary.notified = await job.notifier.refused(ctx, run, refusal);
        }
        return sized({ status: 'refused', summary, error: refusal });
      }
      if (ctx.dryRun) {
        return sized({
          status: 'succeeded',
          summary: { ...job.describe(run, undefined, 'dry_run'), dryRun: true },
        });
      }

      ctx.assertLockHeld();
      if (approval !== undefined) await this.auditApproval(ctx, job, approval);
      const tally = (applied = job.apply.start(ctx, run));
      const error = await this.applyAll(ctx, job, run, tally);
      if (error !== undefined) {
        const redacted = redactUrlCredentials(error);
        const summary: SyncSummary<Summary, N> = job.describe(run, tally, 'failed');
        if (job.notifier.failed !== undefined)
          summary.notified = await job.notifier.failed(ctx, redacted, tally);
        return sized({ status: 'failed', summary, error: redacted });
      }
      const summary: SyncSummary<Summary, N> = job.describe(run, tally, 'applied');
      const notified = await job.notifier.changed?.(ctx, run, tally);
      if (notified !== undefined) summary.notified = notified;
      return sized({ status: 'succeeded', summary });
    } catch (error) {
      // A read or a write of ours failed: JobRunner records the run as failed with the error.
      const message = redactUrlCredentials(error instanceof Error ? error.message : String(error));
      if (!ctx.dryRun) await job.notifier.failed?.(ctx, message, applied);
      throw error;
    }
  }

  /** Why the plan is refused: over a safety limit, or by the app's own rule; undefined when allowed. */
  private refusal<Snapshot, Plan, Change, Applied, Summary extends object, N>(
    job: SyncDefinition<Snapshot, Plan, Change, Applied, Summary, N>,
    run: SyncRun<Plan, Change>,
  ): string | undefined {
    const verdict = checkSafetyLimits(run.changes.length, job.considered(run.plan), run.limits ?? {});
    if (!verdict.allowed) return verdict.reason;
    // An approved run (no limits) goes past the app's rule too when that rule is a limit.
    if (run.limits === null && job.refusalApprovable === true) return undefined;
    return job.refusal?.(run.plan) ?? undefined;
  }

  /** What the run applies and under which limits: the whole plan, or what the operator approved of it. */
  private select<Snapshot, Plan, Change, Applied, Summary extends object, N>(
    ctx: JobContext,
    job: SyncDefinition<Snapshot, Plan, Change, Applied, Summary, N>,
    plan: Plan,
    approval: Approval | undefined,
    refusedBecause: string | undefined,
  ): SyncRun<Plan, Change> {
    const changes = job.changes(plan);
    const base = { runId: ctx.runId, plan, ...(refusedBecause === undefined ? {} : { refusedBecause }) };
    if (approval === undefined) return { ...base, changes, limits: job.limits };
    const { changeKey } = job;
    if (changeKey === undefined)
      throw new Error(`${ctx.job} declares no change key: its runs cannot be approved`);
    const approvedKeys = new Set(approval.approvedKeys);
    const selected = changes.filter((change) => approvedKeys.has(changeKey(change)));
    return {
      ...base,
      changes: selected,
      limits: null,
      approval: {
        refusedRunId: approval.refusedRunId,
        approvedBy: approval.approvedBy,
        approved: approval.approvedKeys.length,
        noLongerPlanned: approvedKeys.size - selected.length,
        notApproved: changes.length - selected.length,
      },
    };
  }

  /** Batches under the lock; returns why the run failed, or undefined. Never throws. */
  private async applyAll<Snapshot, Plan, Change, Applied, Summary extends object, N>(
    ctx: JobContext,
    job: SyncDefinition<Snapshot, Plan, Change, Applied, Summary, N>,
    run: SyncRun<Plan, Change>,
    applied: Applied,
  ): Promise<string | undefined> {
    const { apply } = job;
    const batchSize = Math.max(1, Math.trunc(apply.batchSize));
    let attempted = 0;
    let stoppedBecause: string | undefined;
    try {
      stoppedBecause = await apply.begin?.(ctx, run, applied);
      while (stoppedBecause === undefined && attempted < run.changes.length) {
        const batch = run.changes.slice(attempted, attempted + batchSize);
        // Another instance may hold the run lock if ours was lost: send nothing more.
        ctx.assertLockHeld();
        attempted += batch.length;
        stoppedBecause = await apply.applyBatch(ctx, batch, applied, run);
      }
    } catch (error) {
      stoppedBecause = redactUrlCredentials(error instanceof Error ? error.message : String(error));
      this.logger.error({
        event: 'sync_apply_stopped',
        job: ctx.job,
        runId: ctx.runId,
        error: stoppedBecause,
        stack_trace: error instanceof Error && error.stack ? redactUrlCredentials(error.stack) : undefined,
      });
    }
    const notAttempted = stoppedBecause === undefined ? 0 : run.changes.length - attempted;
    apply.end(applied, { ...(stoppedBecause === undefined ? {} : { stoppedBecause }), notAttempted });
    return stoppedBecause ?? apply.failure?.(applied);
  }

  private async auditApproval(
    ctx: JobContext,
    job: { approvalAuditAction?: string },
    approval: Approval,
  ): Promise<void> {
    await ctx.audit({
      action: job.approvalAuditAction ?? `${ctx.job}.run.approved`,
      entityType: 'job_run',
      entityId: approval.refusedRunId,
      before: { status: 'refused' },
      after: { approvedBy: approval.approvedBy, approvingRunId: ctx.runId },
      reason: `${approval.approvedBy} approved the ${approval.approvedKeys.length} planned change(s) of refused run ${approval.refusedRunId}`,
    });
  }
}
