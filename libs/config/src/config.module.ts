import { type DynamicModule, Global, Module } from '@nestjs/common';

/**
 * An app's validated settings, injectable under the app's own token in every feature module of the
 * app (`@Inject(COVID_POOL_CONFIG)`), so features need not pass the config down to each other.
 */
@Global()
@Module({})
export class AppConfigModule {
  static forRoot<T>(token: symbol, config: T): DynamicModule {
    return {
      module: AppConfigModule,
      providers: [{ provide: token, useValue: config }],
      exports: [token],
    };
  }
}
