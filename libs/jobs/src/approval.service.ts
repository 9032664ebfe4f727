import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { JobRegistry } from './job-registry.js';
import { type ApprovingRun, JobRunRepository } from './job-run.repository.js';
import { JobRunner, type RunResult } from './job-runner.service.js';
import type { JobContext, JobHandler, JobOutcome, JobRunRecord } from './job.types.js';
import { PlannedChangeRepository } from './planned-change.repository.js';
import type { Approval } from './sync.types.js';

/** How old a refusal may be when it is approved, and the setting that says so (named in the 409). */
export interface ApprovalPolicy {
  maxAgeHours: number;
  maxAgeSetting: string;
}

/** A job whose refused runs an operator may approve (`POST /runs/:id/approve`). */
export interface ApprovableJob<S extends object = object> extends JobHandler<S> {
  approvalPolicy(): ApprovalPolicy;
  /** A new run of the job applying what both the refused plan and a fresh plan hold. */
  runApproved(ctx: JobContext, approval: Approval): Promise<JobOutcome<S>>;
}

export function isApprovable(handler: JobHandler): handler is ApprovableJob {
  const candidate = handler as Partial<ApprovableJob>;
  return typeof candidate.runApproved === 'function' && typeof candidate.approvalPolicy === 'function';
}

export interface ApprovalRequest {
  dryRun: boolean;
  trigger: string;
  /** The operator's email (or token subject): recorded as `approvedBy` and as the audit actor. */
  operator: string;
}

const HOUR_MS = 3_600_000;

/**
 * `POST /runs/:id/approve`: a refused run of an approvable job, approved at most once and within
 * the job's age limit, becomes a new run of that job (parent = the refused run, approvedBy = the
 * operator) under the same one-run-at-a-time lock.
 */
@Injectable()
export class ApprovalService {
  constructor(
    private readonly runner: JobRunner,
    private readonly runs: JobRunRepository,
    private readonly plans: PlannedChangeRepository,
    private readonly registry: JobRegistry,
  ) {}

  async approve(refusedRunId: string, request: ApprovalRequest, now = new Date()): Promise<RunResult> {
    const refused = await this.runs.findById(this.runner.app, refusedRunId);
    if (refused === null) throw new NotFoundException(`No run ${refusedRunId}`);
    const handler = this.registry.get(refused.job)?.handler;
    if (handler === undefined || !isApprovable(handler)) {
      const approvable = this.registry
        .names()
        .filter((name) => {
          const job = this.registry.get(name);
          return job !== undefined && isApprovable(job.handler);
        })
        .join(' or ');
      throw new ConflictException(
        `Run ${refusedRunId} is a ${refused.job} run: only refused ${approvable || 'approvable'} runs can be approved`,
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
    assertRecent(refused, handler.approvalPolicy(), now);
    await this.assertNotApproved(refused);
    // Without a stored plan an approval would apply nothing yet use up the run's one approval.
    const approvedKeys = await this.plans.findKeys(refusedRunId);
    if (approvedKeys.length === 0) {
      throw new ConflictException(
        `Run ${refusedRunId} has no stored plan to approve (it planned no change): run the job again instead`,
      );
    }
    return this.runner.run(
      {
        job: refused.job,
        ...(refused.scope === null ? {} : { scope: refused.scope }),
        dryRun: request.dryRun,
        trigger: request.trigger,
        actor: request.operator,
        parentId: refusedRunId,
        approvedBy: request.operator,
        // Checked again under the run lock, before any run record: two approvals racing past the
        // first check cannot both apply; the second gets 409 and leaves nothing behind.
        beforeStart: request.dryRun ? undefined : () => this.assertNotApproved(refused),
      },
      (ctx) => handler.runApproved(ctx, { refusedRunId, approvedBy: request.operator, approvedKeys }),
    );
  }

  private async assertNotApproved(refused: JobRunRecord): Promise<void> {
    const previous = await this.runs.findApproval(this.runner.app, refused.job, refused.id);
    if (previous !== null) throw new ConflictException(alreadyApproved(refused.id, previous));
  }
}

/** A refused plan older than the job's limit is stale: the operator approves a fresh refusal. */
function assertRecent(refused: JobRunRecord, policy: ApprovalPolicy, now: Date): void {
  const refusedAt = Date.parse(refused.finishedAt ?? refused.startedAt);
  const ageHours = (now.getTime() - refusedAt) / HOUR_MS;
  if (ageHours > policy.maxAgeHours) {
    throw new ConflictException(
      `Run ${refused.id} was refused ${Math.floor(ageHours)} hours ago, more than ${policy.maxAgeSetting} ` +
        `(${policy.maxAgeHours}): its plan is stale; approve the refusal of a recent run instead (run the ${refused.job} again)`,
    );
  }
}

function alreadyApproved(refusedRunId: string, previous: ApprovingRun): string {
  return (
    `Run ${refusedRunId} was already approved by ${previous.approvedBy ?? 'someone'} (run ${previous.id}, ` +
    `${previous.status}): a refused run is approved at most once; approve a later refused run instead`
  );
}
