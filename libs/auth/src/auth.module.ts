import { type DynamicModule, Global, Module, type Provider } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuthGuard } from './auth.guard.js';
import { AUTH_OPTIONS, type AuthModuleAsyncOptions, type AuthOptions } from './auth.types.js';
import { CallerVerifier } from './caller.verifier.js';
import { IamVerifier } from './iam.verifier.js';
import { OidcVerifier } from './oidc.verifier.js';
import { TokenVerifier } from './token.verifier.js';

/** Protects every route of the app: import once in the root module with `forRoot` or `forRootAsync`. */
@Global()
@Module({})
export class AuthModule {
  static forRoot(options: AuthOptions): DynamicModule {
    return AuthModule.build({ provide: AUTH_OPTIONS, useValue: options });
  }

  static forRootAsync(options: AuthModuleAsyncOptions): DynamicModule {
    const optionsProvider: Provider = {
      provide: AUTH_OPTIONS,
      useFactory: options.useFactory,
      inject: options.inject ?? [],
    };
    return AuthModule.build(optionsProvider, options.imports ?? []);
  }

  private static build(optionsProvider: Provider, imports: DynamicModule['imports'] = []): DynamicModule {
    return {
      module: AuthModule,
      global: true,
      imports,
      providers: [
        optionsProvider,
        { provide: CallerVerifier, useFactory: createVerifier, inject: [AUTH_OPTIONS] },
        { provide: APP_GUARD, useClass: AuthGuard },
      ],
      exports: [AUTH_OPTIONS, CallerVerifier],
    };
  }
}

export function createVerifier(options: AuthOptions): CallerVerifier {
  switch (options.mode) {
    case 'token':
      return new TokenVerifier(
        options.jobToken,
        options.operatorToken,
        options.exportToken,
        options.viewerToken,
      );
    case 'oidc':
      return new OidcVerifier(options);
    case 'iam':
      return new IamVerifier(options);
  }
}
