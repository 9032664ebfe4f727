import { type DynamicModule, Global, Module } from '@nestjs/common';
import { COVID_POOL_CONFIG, type CovidPoolConfig } from './config.js';

/** The validated settings, injectable as COVID_POOL_CONFIG in every feature module. */
@Global()
@Module({})
export class CovidPoolConfigModule {
  static forRoot(config: CovidPoolConfig): DynamicModule {
    return {
      module: CovidPoolConfigModule,
      providers: [{ provide: COVID_POOL_CONFIG, useValue: config }],
      exports: [COVID_POOL_CONFIG],
    };
  }
}
