import { Inject, Injectable } from '@nestjs/common';
import {
  type ApprovableJob,
  type Approval,
  type ApprovalPolicy,
  Job,
  type JobContext,
  type SyncOutcome,
} from '@app/jobs';
import { ESSM_CONFIG, type EssmSyncConfig } from '../config.js';
import { type RoomsRunSummary, RoomsSyncService, SYNC_ROOMS_JOB } from './rooms-sync.service.js';

/** `POST /jobs/sync-rooms`: Booker's buildings and rooms go to TermTime; approvable when refused. */
@Injectable()
@Job({
  name: SYNC_ROOMS_JOB,
  description:
    "Copy Booker's buildings and bookable rooms to TermTime; mark rooms gone from Booker for deletion",
})
export class SyncRoomsJob implements ApprovableJob<RoomsRunSummary> {
  constructor(
    private readonly sync: RoomsSyncService,
    @Inject(ESSM_CONFIG) private readonly config: EssmSyncConfig,
  ) {}

  run(ctx: JobContext): Promise<SyncOutcome<RoomsRunSummary>> {
    return this.sync.run(ctx);
  }

  approvalPolicy(): ApprovalPolicy {
    return {
      maxAgeHours: this.config.ESSM_APPROVAL_MAX_AGE_HOURS,
      maxAgeSetting: 'ESSM_APPROVAL_MAX_AGE_HOURS',
    };
  }

  runApproved(ctx: JobContext, approval: Approval): Promise<SyncOutcome<RoomsRunSummary>> {
    return this.sync.runApproved(ctx, approval);
  }
}
