import { Inject, Injectable } from '@nestjs/common';
import {
  type ApprovableJob,
  type Approval,
  type ApprovalPolicy,
  Job,
  type JobContext,
  type SyncOutcome,
} from '@app/jobs';
import { SYNC_CONFIG, type LookupGitLabSyncConfig } from '../config.js';
import type { SyncRunSummary } from './sync-summary.util.js';
import { SyncService } from './sync.service.js';
import { SYNC_JOB } from './sync.types.js';

/**
 * `POST /jobs/sync` (Cloud Scheduler); `?dry_run=1` plans and checks the limits without changing
 * anything. A refused run can be approved by an operator (`POST /runs/:id/approve`) within
 * SYNC_APPROVAL_MAX_AGE_HOURS.
 */
@Injectable()
@Job({
  name: SYNC_JOB,
  description:
    'Block GitLab users cancelled in Lookup and inactive external users; unblock those we blocked who are no longer cancelled',
})
export class SyncJob implements ApprovableJob<SyncRunSummary> {
  constructor(
    private readonly sync: SyncService,
    @Inject(SYNC_CONFIG) private readonly config: LookupGitLabSyncConfig,
  ) {}

  run(ctx: JobContext): Promise<SyncOutcome<SyncRunSummary>> {
    return this.sync.run(ctx);
  }

  approvalPolicy(): ApprovalPolicy {
    return {
      maxAgeHours: this.config.SYNC_APPROVAL_MAX_AGE_HOURS,
      maxAgeSetting: 'SYNC_APPROVAL_MAX_AGE_HOURS',
    };
  }

  runApproved(ctx: JobContext, approval: Approval): Promise<SyncOutcome<SyncRunSummary>> {
    return this.sync.runApproved(ctx, approval);
  }
}
