import { ConflictException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { type JobRunRecord, JobRunner, JobRunRepository, type RunResult } from '@app/jobs';
import { SYNC_CONFIG, type LookupGitLabSyncConfig } from '../config.js';
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

const HOUR_MS = 3_600_000;

/**
 * `POST /runs/:id/approve`: a refused sync run, approved at most once and within
 * SYNC_APPROVAL_MAX_AGE_HOURS of its refusal, becomes a new sync run (parent = the refused run,
 * approvedBy = the operator) under the same one-run-at-a-time lock.
 */
@Injectable()
export class ApprovalService {
  constructor(
    private readonly runner: JobRunner,
    private readonly runs: JobRunRepository,
    private readonly approvals: ApprovalRepository,
    private readonly plans: SyncRepository,
    private readonly sync: SyncService,
    @Inject(SYNC_CONFIG) private readonly config: LookupGitLabSyncConfig,
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
    this.assertRecent(refused, new Date());
    await this.assertNotApproved(refusedRunId);
    return this.runner.run(
      {
        job: SYNC_JOB,
        dryRun: request.dryRun,
        trigger: request.trigger,
        actor: request.operator,
        parentId: refusedRunId,
        approvedBy: request.operator,
        // Checked again under the run lock, before any run record: two approvals racing past the
        // first check cannot both apply; the second gets 409 and leaves nothing behind.
        beforeStart: request.dryRun ? undefined : () => this.assertNotApproved(refusedRunId),
      },
      async (ctx) => {
        const approved = await this.plans.findPlannedChanges(refusedRunId);
        return this.sync.runApproved(ctx, { refusedRunId, approvedBy: request.operator, approved });
      },
    );
  }

  /** A refused plan older than SYNC_APPROVAL_MAX_AGE_HOURS is stale: the operator approves a fresh refusal. */
  private assertRecent(refused: JobRunRecord, now: Date): void {
    const refusedAt = Date.parse(refused.finishedAt ?? refused.startedAt);
    const maxHours = this.config.SYNC_APPROVAL_MAX_AGE_HOURS;
    const ageHours = (now.getTime() - refusedAt) / HOUR_MS;
    if (ageHours > maxHours) {
      throw new ConflictException(
        `Run ${refused.id} was refused ${Math.floor(ageHours)} hours ago, more than SYNC_APPROVAL_MAX_AGE_HOURS ` +
          `(${maxHours}): its plan is stale; approve the refusal of a recent run instead (run the sync again)`,
      );
    }
  }

  private async assertNotApproved(refusedRunId: string): Promise<void> {
    const previous = await this.approvals.findApproval(this.runner.app, SYNC_JOB, refusedRunId);
    if (previous !== null) throw new ConflictException(alreadyApproved(refusedRunId, previous));
  }
}

function alreadyApproved(refusedRunId: string, previous: ApprovingRun): string {
  return (
    `Run ${refusedRunId} was already approved by ${previous.approvedBy ?? 'someone'} (run ${previous.id}, ` +
    `${previous.status}): a refused run is approved at most once; approve a later refused run instead`
  );
}
