import { type DynamicModule, Module } from '@nestjs/common';
import { AppConfigModule } from '@app/config';
import { PlatformModule } from '@app/service';
import { SYNC_CONFIG, type LookupGitLabSyncConfig } from './config.js';
import { SyncModule } from './sync/sync.module.js';

export const APP = 'lookup-gitlab-sync';

/**
 * The GitLab sync service; `config` is the validated environment (tests pass their own). Features:
 * gitlab and lookup (one client each) <- sync.
 */
@Module({})
export class AppModule {
  static forRoot(config: LookupGitLabSyncConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        PlatformModule.forRoot(APP, config),
        AppConfigModule.forRoot(SYNC_CONFIG, config),
        SyncModule,
      ],
    };
  }
}
