import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { AuthModule } from '@app/auth';
import { DbModule } from '@app/db';
import { JobsModule } from '@app/jobs';
import { NotificationsModule } from '@app/notifications';
import { AllExceptionsFilter, HealthModule } from '@app/service';
import { GoogleAuth } from 'google-auth-library';
import path from 'node:path';
import { CollegesController } from './colleges/colleges.controller.js';
import { CollegesRepository } from './colleges/colleges.repository.js';
import { CollegesService } from './colleges/colleges.service.js';
import { COVID_POOL_CONFIG, type CovidPoolConfig } from './config.js';
import { ExportController } from './export/export.controller.js';
import { ExportService } from './export/export.service.js';
import { ImportAllJob } from './import/import-all.job.js';
import { ImportController } from './import/import.controller.js';
import { ImportService } from './import/import.service.js';
import { PoolsRepository } from './import/pools.repository.js';
import { GoogleSheetsSource } from './sheet/google-sheets.source.js';
import { SHEET_SOURCE, type SheetSource } from './sheet/sheet-source.js';
import { XlsxFileSource } from './sheet/xlsx-file.source.js';

export const APP = 'covid-pool';

function sheetSource(config: CovidPoolConfig): SheetSource {
  if (config.SHEETS_SOURCE === 'files') return new XlsxFileSource(path.resolve(config.SHEETS_DIR));
  return new GoogleSheetsSource({
    apiUrl: config.SHEETS_API_URL,
    auth: new GoogleAuth({ scopes: ['https://www.googleapis.com/auth/spreadsheets.readonly'] }),
  });
}

/** The covid-pool service; `config` is the validated environment (tests pass their own). */
@Module({})
export class AppModule {
  static forRoot(config: CovidPoolConfig): DynamicModule {
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
      controllers: [CollegesController, ImportController, ExportController],
      providers: [
        { provide: COVID_POOL_CONFIG, useValue: config },
        { provide: SHEET_SOURCE, useValue: sheetSource(config) },
        { provide: APP_FILTER, useClass: AllExceptionsFilter },
        CollegesRepository,
        CollegesService,
        PoolsRepository,
        ImportService,
        ImportAllJob,
        ExportService,
      ],
    };
  }
}
