import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { type JobContext, type JobOutcome, JobRunner, JobRunRepository, type RunResult } from '@app/jobs';
import { SyncRepository } from '../sync/sync.repository.js';
import { SyncService } from '../sync/sync.service.js';
import { SYNC_JOB } from '../sync/sync.types.js';
import { ApprovalRepository, type ApprovingRun } from './approval.repository.js';

export interface ApprovalRequest {
  dryRun: boolean;
  trigger: string;
  /** The operator's email (or token subject): recorded as `approvedBy` and as the audit actor. */
  operator: string;
}

/**
 * `POST /runs/:id/approve`: a refused sync run, approved at most once, becomes a new sync run
 * (parent = the refused run, approvedBy = the operator) under the same one-run-at-a-time lock.
 */
@Injectable()
export class ApprovalService {
  constructor(
    private readonly runner: JobRunner,
    private readonly runs: JobRunRepository,
    private readonly approvals: ApprovalRepository,
    private readonly plans: SyncRepository,
    private readonly sync: SyncService,
  ) {}

  async approve(refusedRunId: string, request: ApprovalRequest): Promise<RunResult> {
    const refused = await this.runs.findById(this.runner.app, refusedRunId);
    if (refused === null) throw new NotFoundException(`No run ${refusedRunId}`);
    if (refused.job !== SYNC_JOB) {
      throw new ConflictException(
        `Run ${refusedRunId} is a ${refused.job} run: only refused sync runs can be approved`,
      );
    }
    if (refused.status !== 'refused') {
      throw new ConflictException(
        `Run ${refusedRunId} is ${refused.status}, not refused: only a run refused by the safety limits can be approved`,
      );
    }
    if (refused.dryRun) {
      throw new ConflictException(
        `Run ${refusedRunId} was a dry run, which keeps no plan: approve a refused run that was not a dry run`,
      );
    }
    await this.assertNotApproved(refusedRunId);
    return this.runner.run(
      {
        job: SYNC_JOB,
        dryRun: request.dryRun,
        trigger: request.trigger,
        actor: request.operator,
        parentId: refusedRunId,
        approvedBy: request.operator,
      },
      (ctx) => this.runApproval(ctx, refusedRunId, request.operator),
    );
  }

  private async assertNotApproved(refusedRunId: string): Promise<void> {
    const previous = await this.approvals.findApproval(this.runner.app, SYNC_JOB, refusedRunId);
    if (previous !== null) throw new ConflictException(alreadyApproved(refusedRunId, previous));
  }

  private async runApproval(ctx: JobContext, refusedRunId: string, operator: string): Promise<JobOutcome> {
    // Checked again under the run lock: two approvals racing past the first check cannot both apply.
    if (!ctx.dryRun) {
      const other = await this.approvals.findApproval(this.runner.app, SYNC_JOB, refusedRunId, ctx.runId);
      if (other !== null) {
        const error = alreadyApproved(refusedRunId, other);
        return {
          status: 'failed',
          failureKind: 'invalid_input',
          summary: { approvalOf: refusedRunId },
          error,
        };
      }
    }
    const approved = await this.plans.findPlannedChanges(refusedRunId);
    return this.sync.runApproved(ctx, { refusedRunId, approvedBy: operator, approved });
  }
}

function alreadyApproved(refusedRunId: string, previous: ApprovingRun): string {
  return (
    `Run ${refusedRunId} was already approved by ${previous.approvedBy ?? 'someone'} (run ${previous.id}, ` +
    `${previous.status}): a refused run is approved at most once; approve a later refused run instead`
  );
}
