import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get, type INestApplication } from '@nestjs/common';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import {
  createAuthTestApp,
  startWebAuthTestApp,
  TestBrowser,
  type WebAuthTestApp,
  WebAuthTestController,
} from '@app/testing';
import { AuthModule } from '../auth.module.js';
import { SignedIn } from './web-auth.decorators.js';
import type { WebAuthOptions } from './web-auth.types.js';

/** A port nobody listens on: taken, then given back. */
async function closedUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

const common = {
  sessionSecrets: ['availability-session-secret-0123456789ab'] as [string],
  cookieName: 'usp_session',
  sessionMaxAgeSeconds: 3600,
  sessionIdleSeconds: 600,
  groupsClaim: 'groups',
  administrators: { emails: [], groups: [] },
} satisfies Partial<WebAuthOptions>;

describe('when the identity provider cannot be reached', () => {
  let t: WebAuthTestApp;

  beforeAll(async () => {
    const nowhere = await closedUrl();
    t = await startWebAuthTestApp({
      controllers: [WebAuthTestController],
      webAuth: ({ baseUrl }) => ({
        ...common,
        mode: 'oidc',
        baseUrl,
        oidc: { issuerUrl: nowhere, clientId: 'c', clientSecret: 'client-secret', endSession: true },
      }),
    });
  });
  afterAll(() => t.close());

  it('answers sign-in with 503 and starts nothing', async () => {
    const browser = new TestBrowser();
    const response = await browser.request(`${t.baseUrl}/auth/login`);
    expect(response.status).toBe(503);
    expect(response.json<{ message: string }>().message).toBe(
      'the identity provider could not be reached; try again in a moment',
    );
    expect(browser.cookieNames(t.baseUrl)).toEqual([]);
  });

  it('still signs out (the cookie is ours to clear)', async () => {
    const response = await new TestBrowser().request(`${t.baseUrl}/auth/logout`, { method: 'POST' });
    expect(response.status).toBe(303);
    expect(response.location).toBe(`${t.baseUrl}/`);
  });
});

describe("when IAP's keys cannot be fetched", () => {
  let t: WebAuthTestApp;

  beforeAll(async () => {
    const nowhere = await closedUrl();
    t = await startWebAuthTestApp({
      controllers: [WebAuthTestController],
      webAuth: ({ baseUrl }) => ({
        ...common,
        mode: 'iap',
        baseUrl,
        iap: { audience: '/projects/1/apps/some-app', jwksUrl: `${nowhere}/keys` },
      }),
    });
  });
  afterAll(() => t.close());

  it('answers 503, not 401', async () => {
    const header = 'eyJhbGciOiJFUzI1NiIsImtpZCI6ImsifQ.eyJzdWIiOiJ4In0.c2ln';
    const response = await new TestBrowser().request(`${t.baseUrl}/api/thing`, {
      headers: { 'x-goog-iap-jwt-assertion': header },
    });
    expect(response.status).toBe(503);
    expect(response.json<{ message: string }>().message).toBe('could not fetch the IAP signing keys');
  });

  it('answers sign-out with 503, not 500', async () => {
    const header = 'eyJhbGciOiJFUzI1NiIsImtpZCI6ImsifQ.eyJzdWIiOiJ4In0.c2ln';
    const response = await new TestBrowser().request(`${t.baseUrl}/auth/logout`, {
      method: 'POST',
      headers: { 'x-goog-iap-jwt-assertion': header },
    });
    expect(response.status).toBe(503);
    expect(response.json<{ message: string }>().message).toBe(
      'could not fetch the IAP signing keys; try again in a moment',
    );
  });
});

@Controller()
class ForgotWebAuthController {
  @SignedIn()
  @Get('signed-in')
  signedIn() {
    return { reached: true };
  }
}

describe('a @SignedIn route in an app without WebAuthModule', () => {
  let app: INestApplication;

  beforeAll(async () => {
    app = await createAuthTestApp(
      AuthModule.forRoot({
        mode: 'token',
        jobToken: 'job-token-0123456789',
        jobEmails: [],
        operatorEmails: [],
      }),
    );
  });
  afterAll(() => app.close());

  it('is a fault (500), never an open route', async () => {
    const moduleApp = await Test.createTestingModule({
      imports: [
        AuthModule.forRoot({
          mode: 'token',
          jobToken: 'job-token-0123456789',
          jobEmails: [],
          operatorEmails: [],
        }),
      ],
      controllers: [ForgotWebAuthController],
    }).compile();
    const forgot = moduleApp.createNestApplication({ logger: false });
    await forgot.init();
    try {
      await request(forgot.getHttpServer()).get('/signed-in').expect(500);
      await request(forgot.getHttpServer())
        .get('/signed-in')
        .set('Authorization', 'Bearer job-token-0123456789')
        .expect(500);
    } finally {
      await forgot.close();
    }
    // The bearer-token routes of the same kind of app are as before.
    await request(app.getHttpServer())
      .get('/job')
      .set('Authorization', 'Bearer job-token-0123456789')
      .expect(200);
  });
});
