import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  Body,
  Controller,
  type DynamicModule,
  Get,
  HttpCode,
  type INestApplication,
  Post,
  type Type,
} from '@nestjs/common';
import { Test } from '@nestjs/testing';
import {
  ADMIN_ROLE,
  CurrentUser,
  SignedIn,
  SignedInPage,
  WebAuthModule,
  type WebAuthOptions,
  type WebUser,
} from '@app/auth';
import { demoPeople } from '../../../simulators/oidc/demo-people.js';
import { OidcSimulator, type OidcPerson } from '../../../simulators/oidc/oidc.simulator.js';

export const TEST_OIDC_CLIENT_ID = 'test-web';
export const TEST_OIDC_CLIENT_SECRET = 'test-web-client-secret';

/**
 * The real OIDC provider (simulators/oidc) on a free port, with one client registered for the app
 * at `appBaseUrl` and the demo people (or `people`). The caller closes it.
 */
export async function startTestOidcProvider(
  appBaseUrl: string,
  people: OidcPerson[] = demoPeople(),
): Promise<OidcSimulator> {
  const provider = new OidcSimulator({
    clients: [
      {
        clientId: TEST_OIDC_CLIENT_ID,
        clientSecret: TEST_OIDC_CLIENT_SECRET,
        redirectUris: [`${appBaseUrl}/auth/callback`],
        postLogoutRedirectUris: [`${appBaseUrl}/`],
      },
    ],
  });
  provider.seed(people);
  await provider.start();
  return provider;
}

export interface WebAuthTestApp {
  app: INestApplication;
  /** `http://127.0.0.1:<port>`: the app's public URL, as its options name it. */
  baseUrl: string;
  /** The OIDC provider, when `oidc` was asked for. */
  provider: OidcSimulator | undefined;
  close(): Promise<void>;
}

export interface WebAuthTestAppOptions {
  /** The module options, given the app's URL and (with `oidc`) the provider's issuer URL. */
  webAuth: (ctx: { baseUrl: string; issuer: string | undefined }) => WebAuthOptions;
  controllers: Type[];
  /** More modules (AuthModule for bearer tokens...). */
  imports?: DynamicModule[];
  /** Start the real OIDC provider with a client for this app. */
  oidc?: boolean;
  /** The provider's people (default: the demo people). */
  people?: OidcPerson[];
}

/**
 * Routes for web sign-in specs: a page and API routes for anyone signed in, for administrators, for
 * data managers, for administrators or operator-token callers, and a route the bearer-token
 * AuthGuard keeps (job role).
 */
@Controller()
export class WebAuthTestController {
  @SignedInPage()
  @Get('page')
  page(@CurrentUser() user: WebUser) {
    return { page: 'home', user };
  }

  @SignedInPage(ADMIN_ROLE)
  @Get('admin-page')
  adminPage(@CurrentUser() user: WebUser) {
    return { page: 'admin', user };
  }

  @SignedIn()
  @Get('api/thing')
  thing(@CurrentUser() user: WebUser) {
    return { user };
  }

  @SignedIn()
  @Post('api/thing')
  @HttpCode(200)
  changeThing(@CurrentUser() user: WebUser, @Body() body: unknown) {
    return { changed: true, by: user.email ?? user.subject, body };
  }

  @SignedIn(ADMIN_ROLE)
  @Get('api/admin')
  admin(@CurrentUser() user: WebUser) {
    return { user };
  }

  @SignedIn('data-manager')
  @Get('api/data')
  data(@CurrentUser() user: WebUser) {
    return { user };
  }

  @SignedIn(ADMIN_ROLE, 'operator')
  @Post('api/approve')
  @HttpCode(200)
  approve(@CurrentUser() user: WebUser) {
    return { approvedBy: user.email ?? user.subject, via: user.via };
  }

  @Get('job')
  job() {
    return { job: true };
  }
}

/**
 * A tiny Nest app with WebAuthModule and the given controllers, listening on a free port before it
 * is built: sign-in needs the app's own URL (redirect URI, Origin checks) in its options, and the
 * provider needs it registered. The caller closes it; a start that fails part way closes itself.
 */
export async function startWebAuthTestApp(options: WebAuthTestAppOptions): Promise<WebAuthTestApp> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let provider: OidcSimulator | undefined;
  let app: INestApplication | undefined;
  const close = async () => {
    await app?.close();
    await closeServer(server);
    await provider?.close();
  };
  try {
    if (options.oidc === true) provider = await startTestOidcProvider(baseUrl, options.people);
    const moduleRef = await Test.createTestingModule({
      imports: [
        ...(options.imports ?? []),
        WebAuthModule.forRoot(options.webAuth({ baseUrl, issuer: provider?.issuer })),
      ],
      controllers: options.controllers,
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    const handler = app.getHttpAdapter().getInstance() as RequestListener;
    server.on('request', handler);
    return { app, baseUrl, provider, close };
  } catch (error) {
    await close().catch(() => undefined);
    throw error;
  }
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.closeAllConnections();
    server.close((error) => (error ? reject(error) : resolve()));
  });
}
