import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import {
  GoogleKeysSimulator,
  startWebAuthTestApp,
  TestBrowser,
  type WebAuthTestApp,
  WebAuthTestController,
} from '@app/testing';
import type { WebUser } from './web-auth.types.js';

const AUDIENCE = '/projects/123456789012/global/backendServices/987654321';
const ADMIN = 'aa303@uni.example.ac.uk';
const SECRET = 'iap-mode-session-secret-0123456789abcdef';
type KeyPair = Awaited<ReturnType<typeof generateKeyPair>>;

describe('web sign-in behind IAP', () => {
  let t: WebAuthTestApp;
  let base: string;
  let iapKeys: GoogleKeysSimulator;
  let iapKey: KeyPair;
  let strangerKey: KeyPair;

  beforeAll(async () => {
    [iapKey, strangerKey] = await Promise.all([generateKeyPair('ES256'), generateKeyPair('ES256')]);
    iapKeys = new GoogleKeysSimulator();
    iapKeys.seed([{ ...(await exportJWK(iapKey.publicKey)), kid: 'iap-1', alg: 'ES256' }]);
    await iapKeys.start();
    t = await startWebAuthTestApp({
      controllers: [WebAuthTestController],
      webAuth: ({ baseUrl }) => ({
        mode: 'iap',
        baseUrl,
        iap: { audience: AUDIENCE, jwksUrl: `${iapKeys.url}/certs` },
        sessionSecrets: [SECRET],
        cookieName: 'usp_session',
        sessionMaxAgeSeconds: 3600,
        sessionIdleSeconds: 600,
        groupsClaim: 'groups',
        administrators: { emails: [ADMIN], groups: [] },
      }),
    });
    base = t.baseUrl;
  });
  afterAll(async () => {
    await t.close();
    await iapKeys.close();
  });

  /** A header as IAP signs it (valid unless told otherwise). */
  async function assertion(
    options: { claims?: Record<string, unknown>; key?: KeyPair; kid?: string; alg?: string } = {},
  ): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({
      iss: 'https://cloud.google.com/iap',
      aud: AUDIENCE,
      sub: 'accounts.google.com:1234567890',
      email: ADMIN,
      hd: 'uni.example.ac.uk',
      iat: now,
      exp: now + 600,
      ...options.claims,
    })
      .setProtectedHeader({ alg: options.alg ?? 'ES256', kid: options.kid ?? 'iap-1' })
      .sign((options.key ?? iapKey).privateKey);
  }

  const asIap = async (
    path: string,
    header: string,
    init: { method?: string; headers?: Record<string, string> } = {},
  ) =>
    new TestBrowser().request(`${base}${path}`, {
      ...init,
      headers: { ...init.headers, 'x-goog-iap-jwt-assertion': header },
    });

  it('identifies the person from a good header, with roles from configuration', async () => {
    const response = await asIap('/auth/me', await assertion());
    expect(response.status).toBe(200);
    expect(response.json<WebUser>()).toMatchObject({
      subject: 'accounts.google.com:1234567890',
      email: ADMIN,
      roles: ['admin'],
      via: 'iap',
    });
    const other = await asIap(
      '/api/admin',
      await assertion({ claims: { email: 'rr101@uni.example.ac.uk' } }),
    );
    expect(other.status).toBe(403);
  });

  it.each<[string, () => Promise<string>, string]>([
    [
      'another audience',
      () => assertion({ claims: { aud: '/projects/123456789012/apps/another-app' } }),
      'IAP assertion audience does not match',
    ],
    [
      'an expired header',
      () => assertion({ claims: { exp: Math.floor(Date.now() / 1000) - 120 } }),
      'IAP assertion has expired',
    ],
    [
      'another issuer',
      () => assertion({ claims: { iss: 'https://accounts.google.com' } }),
      'IAP assertion issuer is not IAP',
    ],
    [
      'a key IAP does not publish',
      () => assertion({ key: strangerKey }),
      'IAP assertion signature is not valid',
    ],
    [
      'an unknown key id',
      () => assertion({ kid: 'iap-unknown' }),
      'IAP assertion is not signed by an IAP key',
    ],
    ['a header that is not a JWT', () => Promise.resolve('not-a-jwt'), 'IAP assertion is malformed'],
  ])('refuses %s with 401', async (_case, header, message) => {
    const response = await asIap('/auth/me', await header());
    expect(response.status).toBe(401);
    expect(response.json<{ message: string }>().message).toBe(message);
  });

  it('refuses an RS256 header', async () => {
    const rsa = await generateKeyPair('RS256');
    const response = await asIap('/auth/me', await assertion({ key: rsa, alg: 'RS256' }));
    expect(response.status).toBe(401);
    expect(response.json<{ message: string }>().message).toBe('IAP assertion must be ES256');
  });

  it('answers a request without the header with 401, for pages too (IAP signs people in, not us)', async () => {
    const api = await new TestBrowser().request(`${base}/api/thing`);
    expect(api.status).toBe(401);
    expect(api.json<{ message: string }>().message).toBe('sign in first');
    expect((await new TestBrowser().request(`${base}/page`)).status).toBe(401);
  });

  it('needs the CSRF token for state-changing requests, tied to the IAP identity', async () => {
    const header = await assertion();
    const token = (await asIap('/auth/me', header)).json<WebUser>().csrfToken ?? '';
    expect((await asIap('/api/thing', header, { method: 'POST' })).status).toBe(403);
    const accepted = await asIap('/api/thing', header, {
      method: 'POST',
      headers: { 'x-csrf-token': token },
    });
    expect(accepted.status).toBe(200);
    const someoneElse = await assertion({
      claims: { sub: 'accounts.google.com:999', email: 'rr101@uni.example.ac.uk' },
    });
    const refused = await asIap('/api/thing', someoneElse, {
      method: 'POST',
      headers: { 'x-csrf-token': token },
    });
    expect(refused.status).toBe(403);
  });

  it("signs out through IAP's clear-login-cookie path, with the CSRF token", async () => {
    const header = await assertion();
    expect((await asIap('/auth/logout', header, { method: 'POST' })).status).toBe(403);
    const token = (await asIap('/auth/me', header)).json<WebUser>().csrfToken ?? '';
    const logout = await asIap('/auth/logout', header, {
      method: 'POST',
      headers: { 'x-csrf-token': token },
    });
    expect(logout.status).toBe(303);
    expect(logout.location).toBe(`${base}/_gcp_iap/clear_login_cookie`);
  });

  it('sends /auth/login straight back to returnTo, and has no callback', async () => {
    const login = await asIap('/auth/login?returnTo=%2Fpage', await assertion());
    expect(login.status).toBe(302);
    expect(login.location).toBe(`${base}/page`);
    expect((await asIap('/auth/callback?code=x', await assertion())).status).toBe(400);
  });
});
