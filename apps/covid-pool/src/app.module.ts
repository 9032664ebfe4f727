import { type DynamicModule, Module } from '@nestjs/common';
import { AppConfigModule } from '@app/config';
import { PlatformModule } from '@app/service';
import { CollegesModule } from './colleges/colleges.module.js';
import { COVID_POOL_CONFIG, type CovidPoolConfig } from './config.js';
import { ExportModule } from './export/export.module.js';
import { ImportModule } from './import/import.module.js';

export const APP = 'covid-pool';

/**
 * The covid-pool service; `config` is the validated environment (tests pass their own). Features:
 * colleges <- import (reads Colleges, writes pools); export reads the stored pools on its own.
 */
@Module({})
export class AppModule {
  static forRoot(config: CovidPoolConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        PlatformModule.forRoot(APP, config),
        AppConfigModule.forRoot(COVID_POOL_CONFIG, config),
        CollegesModule,
        ImportModule,
        ExportModule,
      ],
    };
  }
}
