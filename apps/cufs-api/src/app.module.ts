import { type DynamicModule, Module } from '@nestjs/common';
import { AppConfigModule } from '@app/config';
import { PlatformModule } from '@app/service';
import { CUFS_API_CONFIG, type CufsApiConfig } from './config.js';
import { FinanceModule } from './finance/finance.module.js';
import { CufsReadinessModule } from './readiness/cufs-readiness.module.js';

export const APP = 'cufs-api';

/**
 * The finance code checker; `config` is the validated environment (tests pass their own). Features:
 * cufs (the one client and its cache) <- finance (the checks), readiness (CUFS on /readyz).
 */
@Module({})
export class AppModule {
  static forRoot(config: CufsApiConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        PlatformModule.forRoot(APP, config),
        AppConfigModule.forRoot(CUFS_API_CONFIG, config),
        CufsReadinessModule,
        FinanceModule,
      ],
    };
  }
}
