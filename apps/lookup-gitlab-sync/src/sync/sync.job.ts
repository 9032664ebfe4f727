import { Injectable } from '@nestjs/common';
import { Job, type JobContext, type JobHandler, type JobOutcome } from '@app/jobs';
import { SyncService } from './sync.service.js';
import { SYNC_JOB } from './sync.types.js';

/** `POST /jobs/sync` (Cloud Scheduler); `?dry_run=1` plans and checks the limits without changing anything. */
@Injectable()
@Job({
  name: SYNC_JOB,
  description:
    'Block GitLab users cancelled in Lookup and inactive external users; unblock those we blocked who are no longer cancelled',
})
export class SyncJob implements JobHandler {
  constructor(private readonly sync: SyncService) {}

  run(ctx: JobContext): Promise<JobOutcome> {
    return this.sync.run(ctx);
  }
}
