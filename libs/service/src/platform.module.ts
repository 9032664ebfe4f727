import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { AuthModule } from '@app/auth';
import type { BaseConfig } from '@app/config';
import { DbModule } from '@app/db';
import { JobsModule } from '@app/jobs';
import { NotificationsModule } from '@app/notifications';
import { AllExceptionsFilter } from './all-exceptions.filter.js';
import { HealthModule } from './health.controller.js';

/**
 * What every app stands on, wired from the shared settings: database, job/operator/export/viewer auth, the job
 * contract, email, health endpoints and the catch-all error filter.
 */
@Module({})
export class PlatformModule {
  static forRoot(app: string, config: BaseConfig): DynamicModule {
    return {
      module: PlatformModule,
      imports: [
        DbModule.forRootAsync({
          useFactory: () => ({
            url: config.DATABASE_URL,
            poolSize: config.DATABASE_POOL_SIZE,
            connectTimeoutMs: config.DATABASE_CONNECT_TIMEOUT_MS,
            iamAuth: config.DATABASE_IAM_AUTH,
            embeddedDataDir: config.EMBEDDED_DATA_DIR,
            app,
            nodeEnv: config.NODE_ENV,
          }),
        }),
        AuthModule.forRoot({
          mode: config.JOB_AUTH_MODE,
          jobToken: config.JOB_TOKEN,
          operatorToken: config.OPERATOR_TOKEN,
          exportToken: config.EXPORT_TOKEN,
          viewerToken: config.VIEWER_TOKEN,
          audience: config.OIDC_AUDIENCE,
          jobEmails: config.JOB_ALLOWED_EMAILS,
          operatorEmails: config.OPERATOR_EMAILS,
          exportEmails: config.EXPORT_ALLOWED_EMAILS,
          viewerEmails: config.VIEWER_EMAILS,
          jwksUrl: config.OIDC_JWKS_URL,
        }),
        JobsModule.forRootAsync({ useFactory: () => ({ app, forceDryRun: config.JOBS_FORCE_DRY_RUN }) }),
        NotificationsModule.forRoot({ app, smtpUrl: config.SMTP_URL, from: config.MAIL_FROM }),
        HealthModule,
      ],
      providers: [{ provide: APP_FILTER, useClass: AllExceptionsFilter }],
    };
  }
}
