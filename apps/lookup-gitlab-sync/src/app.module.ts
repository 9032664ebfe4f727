import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { AuthModule } from '@app/auth';
import { DbModule } from '@app/db';
import { JobsModule } from '@app/jobs';
import { NotificationsModule } from '@app/notifications';
import { AllExceptionsFilter, HealthModule } from '@app/service';
import { ApprovalController } from './approval/approval.controller.js';
import { ApprovalRepository } from './approval/approval.repository.js';
import { ApprovalService } from './approval/approval.service.js';
import { SYNC_CONFIG, type LookupGitLabSyncConfig } from './config.js';
import { ChangeApplier } from './sync/change-applier.service.js';
import { SyncNotifier } from './sync/sync-notifier.service.js';
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
      imports: [
        DbModule.forRootAsync({
          useFactory: () => ({
            url: config.DATABASE_URL,
            poolSize: config.DATABASE_POOL_SIZE,
            connectTimeoutMs: config.DATABASE_CONNECT_TIMEOUT_MS,
            embeddedDataDir: config.EMBEDDED_DATA_DIR,
          }),
        }),
        AuthModule.forRoot({
          mode: config.JOB_AUTH_MODE,
          jobToken: config.JOB_TOKEN,
          operatorToken: config.OPERATOR_TOKEN,
          audience: config.OIDC_AUDIENCE,
          jobEmails: config.JOB_ALLOWED_EMAILS,
          operatorEmails: config.OPERATOR_EMAILS,
          jwksUrl: config.OIDC_JWKS_URL,
        }),
        JobsModule.forRootAsync({ useFactory: () => ({ app: APP, forceDryRun: config.JOBS_FORCE_DRY_RUN }) }),
        NotificationsModule.forRoot({ app: APP, smtpUrl: config.SMTP_URL, from: config.MAIL_FROM }),
        HealthModule,
      ],
      controllers: [ApprovalController],
      providers: [
        { provide: SYNC_CONFIG, useValue: config },
        { provide: APP_FILTER, useClass: AllExceptionsFilter },
        ...upstreamClientProviders,
        SyncRepository,
        ChangeApplier,
        SyncNotifier,
        SyncService,
        SyncJob,
        ApprovalRepository,
        ApprovalService,
      ],
    };
  }
}
