import { type DynamicModule, Global, Module, type Provider } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { WebAuthController } from './web-auth.controller.js';
import { WebAuthGuard } from './web-auth.guard.js';
import { WEB_AUTH_OPTIONS, type WebAuthModuleAsyncOptions, type WebAuthOptions } from './web-auth.types.js';
import { WebSessions } from './web-sessions.service.js';

/**
 * Web sign-in for an app's pages and browser-facing API: `/auth/*` routes, the session cookie, CSRF,
 * roles, and the guard behind `@SignedIn()` / `@SignedInPage()`. Import once in the root module,
 * beside AuthModule (which keeps guarding the job, task and token routes).
 */
@Global()
@Module({})
export class WebAuthModule {
  static forRoot(options: WebAuthOptions): DynamicModule {
    return WebAuthModule.build({ provide: WEB_AUTH_OPTIONS, useValue: options });
  }

  static forRootAsync(options: WebAuthModuleAsyncOptions): DynamicModule {
    return WebAuthModule.build(
      { provide: WEB_AUTH_OPTIONS, useFactory: options.useFactory, inject: options.inject ?? [] },
      options.imports ?? [],
    );
  }

  private static build(optionsProvider: Provider, imports: DynamicModule['imports'] = []): DynamicModule {
    return {
      module: WebAuthModule,
      global: true,
      imports,
      controllers: [WebAuthController],
      providers: [optionsProvider, WebSessions, { provide: APP_GUARD, useClass: WebAuthGuard }],
      exports: [WEB_AUTH_OPTIONS, WebSessions],
    };
  }
}
