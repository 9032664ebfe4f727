import { type DynamicModule, Module } from '@nestjs/common';
import { PlatformModule } from '@app/service';
import { SYNC_CONFIG, type LookupGitLabSyncConfig } from './config.js';
import { ChangeApplier } from './sync/change-applier.service.js';
import { SyncPlanner } from './sync/sync-planner.service.js';
import { SyncJob } from './sync/sync.job.js';
import { SyncRepository } from './sync/sync.repository.js';
import { SyncService } from './sync/sync.service.js';
import { upstreamClientProviders } from './sync/upstream-clients.js';

export const APP = 'lookup-gitlab-sync';

/** The GitLab sync service; `config` is the validated environment (tests pass their own). */
@Module({})
export class AppModule {
  static forRoot(config: LookupGitLabSyncConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [PlatformModule.forRoot(APP, config)],
      providers: [
        { provide: SYNC_CONFIG, useValue: config },
        ...upstreamClientProviders,
        SyncRepository,
        ChangeApplier,
        SyncPlanner,
        SyncService,
        SyncJob,
      ],
    };
  }
}
