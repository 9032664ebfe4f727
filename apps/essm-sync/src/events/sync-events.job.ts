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
import { SYNC_EVENTS_JOB } from './events-decision.js';
import type { EventsRunSummary } from './events-summary.util.js';
import { EventsSyncService } from './events-sync.service.js';

/**
 * `POST /jobs/sync-events`: TermTime events become Booker bookings, after the pre-flight. A refused
 * run can be approved by an operator (`POST /runs/:id/approve`) within ESSM_APPROVAL_MAX_AGE_HOURS.
 */
@Injectable()
@Job({
  name: SYNC_EVENTS_JOB,
  description: 'Book every scheduled TermTime event in its rooms in Booker; cancel bookings of events gone',
})
export class SyncEventsJob implements ApprovableJob<EventsRunSummary> {
  constructor(
    private readonly sync: EventsSyncService,
    @Inject(ESSM_CONFIG) private readonly config: EssmSyncConfig,
  ) {}

  run(ctx: JobContext): Promise<SyncOutcome<EventsRunSummary>> {
    return this.sync.run(ctx);
  }

  approvalPolicy(): ApprovalPolicy {
    return {
      maxAgeHours: this.config.ESSM_APPROVAL_MAX_AGE_HOURS,
      maxAgeSetting: 'ESSM_APPROVAL_MAX_AGE_HOURS',
    };
  }

  runApproved(ctx: JobContext, approval: Approval): Promise<SyncOutcome<EventsRunSummary>> {
    return this.sync.runApproved(ctx, approval);
  }
}
