import { type DynamicModule, Module } from '@nestjs/common';
import { PlatformModule } from '@app/service';
import { GoogleAuth } from 'google-auth-library';
import path from 'node:path';
import { CollegesController } from './colleges/colleges.controller.js';
import { CollegesRepository } from './colleges/colleges.repository.js';
import { CollegesService } from './colleges/colleges.service.js';
import { COVID_POOL_CONFIG, type CovidPoolConfig } from './config.js';
import { ExportController } from './export/export.controller.js';
import { ExportRepository } from './export/export.repository.js';
import { ExportService } from './export/export.service.js';
import { ImportAllJob } from './import/import-all.job.js';
import { ImportController } from './import/import.controller.js';
import { ImportNotifier } from './import/import-notifier.service.js';
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
      imports: [PlatformModule.forRoot(APP, config)],
      controllers: [CollegesController, ImportController, ExportController],
      providers: [
        { provide: COVID_POOL_CONFIG, useValue: config },
        { provide: SHEET_SOURCE, useValue: sheetSource(config) },
        CollegesRepository,
        CollegesService,
        PoolsRepository,
        ImportNotifier,
        ImportService,
        ImportAllJob,
        ExportRepository,
        ExportService,
      ],
    };
  }
}
