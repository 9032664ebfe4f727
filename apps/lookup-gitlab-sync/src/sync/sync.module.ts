import { Module } from '@nestjs/common';
import { GitLabModule } from '../gitlab/gitlab.module.js';
import { LookupModule } from '../lookup/lookup.module.js';
import { ChangeApplier } from './change-applier.service.js';
import { SyncPlanner } from './sync-planner.service.js';
import { SyncJob } from './sync.job.js';
import { SyncRepository } from './sync.repository.js';
import { SyncService } from './sync.service.js';

/** The sync job (`POST /jobs/sync`, approvable): reads GitLab and Lookup, blocks and unblocks in GitLab. */
@Module({
  imports: [GitLabModule, LookupModule],
  providers: [SyncRepository, ChangeApplier, SyncPlanner, SyncService, SyncJob],
})
export class SyncModule {}
