import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  startWebAuthTestApp,
  TEST_OIDC_CLIENT_ID,
  TEST_OIDC_CLIENT_SECRET,
  TestBrowser,
  type WebAuthTestApp,
  WebAuthTestController,
} from '@app/testing';
import { demoPeople } from '../../../../simulators/oidc/demo-people.js';
import { AuthModule } from '../auth.module.js';
import { sealSession, sealSignIn, type SessionData } from './session.util.js';
import type { WebUser } from './web-auth.types.js';

const SECRET = 'current-session-secret-0123456789abcdef';
const PREVIOUS_SECRET = 'previous-session-secret-0123456789abcdef';
const STRANGER_SECRET = 'someone-elses-secret-0123456789abcdefgh';
const JOB_TOKEN = 'web-spec-job-token-0123456789';
const OPERATOR_TOKEN = 'web-spec-operator-token-0123456789';
const COOKIE = 'usp_session';
const SIGN_IN_PREFIX = 'usp_session-signin-';
const IDLE_SECONDS = 30 * 60;
const EMAIL_ADMIN = { id: 'ea404', name: 'Eve Email-Admin', email: 'ea404@uni.example.ac.uk', groups: [] };

describe('web sign-in with a real OIDC provider', () => {
  let t: WebAuthTestApp;
  let base: string;

  beforeAll(async () => {
    t = await startWebAuthTestApp({
      oidc: true,
      people: [...demoPeople(), EMAIL_ADMIN],
      controllers: [WebAuthTestController],
      imports: [
        AuthModule.forRoot({
          mode: 'token',
          jobToken: JOB_TOKEN,
          operatorToken: OPERATOR_TOKEN,
          jobEmails: [],
          operatorEmails: [],
        }),
      ],
      webAuth: ({ baseUrl, issuer }) => ({
        mode: 'oidc',
        baseUrl,
        oidc: {
          issuerUrl: issuer ?? '',
          clientId: TEST_OIDC_CLIENT_ID,
          clientSecret: TEST_OIDC_CLIENT_SECRET,
          endSession: true,
        },
        sessionSecrets: [SECRET, PREVIOUS_SECRET],
        cookieName: COOKIE,
        sessionMaxAgeSeconds: 8 * 3600,
        sessionIdleSeconds: IDLE_SECONDS,
        groupsClaim: 'groups',
        administrators: { emails: [EMAIL_ADMIN.email.toUpperCase()], groups: ['storage-admins'] },
        roles: { 'data-manager': { emails: [], groups: ['storage-data-managers'] } },
      }),
    });
    base = t.baseUrl;
  });
  afterAll(() => t.close());

  /** Starts at /auth/login, picks `person` on the provider's page, comes back; returns the final answer. */
  async function signIn(browser: TestBrowser, person: string, returnTo = '/page') {
    const chooser = await browser.follow(`${base}/auth/login?returnTo=${encodeURIComponent(returnTo)}`);
    expect(chooser.status).toBe(200);
    const action = /<form method="post" action="([^"]+)"/.exec(chooser.text)?.[1];
    expect(action).toBeDefined();
    return browser.follow(new URL(action ?? '', chooser.url).href, { form: { person } });
  }

  /** Follows the flow up to the provider's redirect back to our callback, without taking it. */
  async function callbackUrlFor(browser: TestBrowser, person: string): Promise<string> {
    const chooser = await browser.follow(`${base}/auth/login?returnTo=%2Fpage`);
    const action = /<form method="post" action="([^"]+)"/.exec(chooser.text)?.[1] ?? '';
    let response = await browser.request(new URL(action, chooser.url).href, { form: { person } });
    while (response.location !== undefined && !response.location.startsWith(`${base}/auth/callback`)) {
      response = await browser.request(response.location);
    }
    expect(response.location).toMatch(/\/auth\/callback\?code=/);
    return response.location ?? '';
  }

  const me = async (browser: TestBrowser) => browser.request(`${base}/auth/me`);
  /** The names of the sign-in cookies this browser holds (one per sign-in in progress). */
  const signInCookies = (browser: TestBrowser) =>
    browser.cookieNames(base).filter((name) => name.startsWith(SIGN_IN_PREFIX));
  /** The one sign-in cookie in progress: its name, value and what it holds. */
  const signInCookie = (browser: TestBrowser) => {
    const [name = ''] = signInCookies(browser);
    const value = browser.cookie(base, name) ?? '';
    const held = JSON.parse(Buffer.from(value.split('.')[0] ?? '', 'base64url').toString('utf8')) as {
      state: string;
      nonce: string;
      verifier: string;
      returnTo: string;
      exp: number;
    };
    return { name, value, held };
  };

  describe('signing in', () => {
    it('runs the authorization code flow with PKCE and lands on returnTo with a session', async () => {
      const browser = new TestBrowser();
      const login = await browser.request(`${base}/auth/login?returnTo=%2Fpage%3Ftab%3D2`);
      expect(login.status).toBe(302);
      const authorize = new URL(login.location ?? '');
      expect(authorize.origin).toBe(t.provider?.issuer);
      expect(Object.fromEntries(authorize.searchParams)).toMatchObject({
        client_id: TEST_OIDC_CLIENT_ID,
        response_type: 'code',
        redirect_uri: `${base}/auth/callback`,
        code_challenge_method: 'S256',
        scope: 'openid email profile',
      });
      for (const parameter of ['state', 'nonce', 'code_challenge']) {
        expect(authorize.searchParams.get(parameter)?.length).toBeGreaterThanOrEqual(22);
      }
      const signInCookie = login.headers.getSetCookie()[0] ?? '';
      expect(signInCookie).toMatch(
        /^usp_session-signin-[A-Za-z0-9_-]{16}=[^;]+; Path=\/; Max-Age=600; HttpOnly; SameSite=Lax$/,
      );

      const chooser = await browser.follow(login.location ?? '');
      expect(chooser.text).toContain('Rosa Researcher');
      const action = /<form method="post" action="([^"]+)"/.exec(chooser.text)?.[1] ?? '';
      const landed = await browser.follow(new URL(action, chooser.url).href, { form: { person: 'rr101' } });
      expect(landed.url).toBe(`${base}/page?tab=2`);
      expect(landed.status).toBe(200);
      expect(landed.json<{ user: WebUser }>().user).toMatchObject({
        subject: 'rr101',
        email: 'rr101@uni.example.ac.uk',
        name: 'Rosa Researcher',
        roles: [],
        via: 'session',
      });
      expect(signInCookies(browser)).toEqual([]);
    });

    it('completes two sign-ins started at once in one browser (two tabs), each to its own returnTo', async () => {
      const browser = new TestBrowser();
      const first = await browser.follow(`${base}/auth/login?returnTo=%2Fpage%3Ftab%3D1`);
      const second = await browser.follow(`${base}/auth/login?returnTo=%2Fpage%3Ftab%3D2`);
      expect(signInCookies(browser)).toHaveLength(2);
      for (const [chooser, tab] of [
        [first, '1'],
        [second, '2'],
      ] as const) {
        const action = /<form method="post" action="([^"]+)"/.exec(chooser.text)?.[1] ?? '';
        const landed = await browser.follow(new URL(action, chooser.url).href, { form: { person: 'rr101' } });
        expect(landed.url).toBe(`${base}/page?tab=${tab}`);
        expect(landed.status).toBe(200);
      }
      expect(signInCookies(browser)).toEqual([]);
    });

    it('sets a small, signed, HttpOnly, SameSite=Lax session cookie holding no token', async () => {
      const browser = new TestBrowser();
      const chooser = await browser.follow(`${base}/auth/login`);
      const action = /<form method="post" action="([^"]+)"/.exec(chooser.text)?.[1] ?? '';
      let response = await browser.request(new URL(action, chooser.url).href, { form: { person: 'dm202' } });
      while (!response.url.startsWith(`${base}/auth/callback`))
        response = await browser.request(response.location ?? '');
      expect(response.status).toBe(302);
      expect(response.location).toBe(`${base}/`);
      const sessionCookie = response.headers.getSetCookie().find((c) => c.startsWith(`${COOKIE}=`)) ?? '';
      expect(sessionCookie).toMatch(/; Path=\/; Max-Age=28800; HttpOnly; SameSite=Lax$/);
      const value = browser.cookie(base, COOKIE) ?? '';
      expect(value.length).toBeLessThan(500);
      const payload = JSON.parse(Buffer.from(value.split('.')[0] ?? '', 'base64url').toString('utf8'));
      expect(Object.keys(payload).sort()).toEqual([
        'email',
        'exp',
        'groups',
        'iat',
        'name',
        'seen',
        'sid',
        'sub',
        'v',
      ]);
      // Only the groups that give a role are kept.
      expect(payload.groups).toEqual(['storage-data-managers']);
      // One signed JSON value: no JWT (three parts) from the provider rides along.
      expect(value.split('.')).toHaveLength(2);
    });

    it.each([
      ['an administrator by group', 'aa303', ['admin']],
      ['an administrator by email (compared case-insensitively)', 'ea404', ['admin']],
      ['a data manager by group', 'dm202', ['data-manager']],
      ['a researcher, with no role', 'rr101', []],
    ])('gives %s the roles from configuration', async (_case, person, roles) => {
      const browser = new TestBrowser();
      await signIn(browser, person);
      const response = await me(browser);
      expect(response.status).toBe(200);
      const user = response.json<WebUser>();
      expect(user.roles).toEqual(roles);
      expect(user.csrfToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(new Date(user.expiresAt ?? '').getTime()).toBeGreaterThan(Date.now());
    });
  });

  describe('the callback', () => {
    it('refuses a state that is not the one this browser was given', async () => {
      const browser = new TestBrowser();
      const callback = new URL(await callbackUrlFor(browser, 'rr101'));
      const state = callback.searchParams.get('state') ?? '';
      // The same start (so this browser's sign-in cookie is found), another ending.
      callback.searchParams.set('state', `${state.slice(0, 16)}${'A'.repeat(27)}`);
      const response = await browser.request(callback.href);
      expect(response.status).toBe(400);
      expect(response.json<{ message: string }>().message).toMatch(/^sign-in response refused: .*state/);
      expect(browser.cookie(base, COOKIE)).toBeUndefined();
      // Another state altogether names no sign-in of this browser; none at all neither.
      for (const other of ['forged-state-value-000000000000', '', 'a b']) {
        callback.searchParams.set('state', other);
        const refused = await browser.request(callback.href);
        expect(refused.status).toBe(400);
        expect(refused.json<{ message: string }>().message).toMatch(
          /^sign-in was not started in this browser/,
        );
      }
    });

    it('refuses an ID token whose nonce is not the one this sign-in sent', async () => {
      const browser = new TestBrowser();
      const callback = await callbackUrlFor(browser, 'rr101');
      // A sign-in cookie validly signed (this test holds the key) for the same state and verifier, another nonce.
      const { name, held } = signInCookie(browser);
      browser.setCookie(base, name, sealSignIn({ ...held, nonce: 'another-nonce-0000000000000' }, [SECRET]));
      const response = await browser.request(callback);
      expect(response.status).toBe(400);
      expect(response.json<{ message: string }>().message).toMatch(/^sign-in response refused: .*nonce/);
      expect(browser.cookie(base, COOKIE)).toBeUndefined();
    });

    it('refuses a code exchanged with another PKCE verifier', async () => {
      const browser = new TestBrowser();
      const callback = await callbackUrlFor(browser, 'rr101');
      const { name, held } = signInCookie(browser);
      browser.setCookie(base, name, sealSignIn({ ...held, verifier: 'v'.repeat(43) }, [SECRET]));
      const response = await browser.request(callback);
      expect(response.status).toBe(400);
      expect(response.json<{ message: string }>().message).toMatch(
        /^sign-in response refused: invalid_grant/,
      );
    });

    it('refuses a callback in a browser that did not start the sign-in', async () => {
      const callback = await callbackUrlFor(new TestBrowser(), 'rr101');
      const other = new TestBrowser();
      const response = await other.request(callback);
      expect(response.status).toBe(400);
      expect(response.json<{ message: string }>().message).toBe(
        'sign-in was not started in this browser, or took longer than 10 minutes: start again at /auth/login',
      );
    });

    it('refuses a forged or expired sign-in cookie, and a code used twice', async () => {
      const browser = new TestBrowser();
      const callback = await callbackUrlFor(browser, 'rr101');
      const { name, value: genuine, held } = signInCookie(browser);
      for (const forged of [
        sealSignIn(held, [STRANGER_SECRET]),
        sealSignIn({ ...held, exp: Math.floor(Date.now() / 1000) - 1 }, [SECRET]),
        `${genuine.slice(0, -2)}AA`,
      ]) {
        browser.setCookie(base, name, forged);
        expect((await browser.request(callback)).status).toBe(400);
      }
      browser.setCookie(base, name, genuine);
      expect((await browser.request(callback)).status).toBe(302);
      browser.setCookie(base, name, genuine);
      const replay = await browser.request(callback);
      expect(replay.status).toBe(400);
      expect(replay.json<{ message: string }>().message).toMatch(/^sign-in response refused: invalid_grant/);
    });

    it('answers 503 when the provider fails at the token exchange, and signs in on a fresh attempt', async () => {
      const browser = new TestBrowser();
      const callback = await callbackUrlFor(browser, 'rr101');
      t.provider?.control.addFault({ method: 'POST', path: '/token', status: 503, times: 1 });
      const failed = await browser.request(callback);
      expect(failed.status).toBe(503);
      expect(failed.json<{ message: string }>().message).toBe(
        'the identity provider could not be reached; try again in a moment',
      );
      expect(browser.cookie(base, COOKIE)).toBeUndefined();
      // The provider remembers the person: a fresh attempt comes straight back, signed in.
      const landed = await browser.follow(`${base}/auth/login?returnTo=%2Fpage`);
      expect(landed.url).toBe(`${base}/page`);
      expect(landed.status).toBe(200);
    });

    it("passes on the provider's refusal as a 400", async () => {
      const browser = new TestBrowser();
      await browser.request(`${base}/auth/login`);
      const { state } = signInCookie(browser).held;
      const iss = encodeURIComponent(t.provider?.issuer ?? '');
      const response = await browser.request(
        `${base}/auth/callback?error=access_denied&state=${state}&iss=${iss}`,
      );
      expect(response.status).toBe(400);
      expect(response.json<{ message: string }>().message).toBe('sign-in response refused: access_denied');
    });
  });

  describe('returnTo', () => {
    it.each([
      'https://evil.example/',
      '//evil.example/',
      '/\\evil.example/',
      '\\\\evil.example',
      '/%09/evil.example',
      '/\t/evil.example',
      'javascript:alert(1)',
      'page',
      `/${'a'.repeat(2001)}`,
    ])('refuses %j with a 400 naming returnTo, and starts no sign-in', async (returnTo) => {
      const browser = new TestBrowser();
      const response = await browser.request(`${base}/auth/login?returnTo=${encodeURIComponent(returnTo)}`);
      if (returnTo === '/%09/evil.example') {
        // Percent-encoded, it is a harmless local path: the browser comes back to /%09/evil.example here.
        expect(response.status).toBe(302);
        return;
      }
      expect(response.status).toBe(400);
      const body = response.json<{ problems: { field: string }[] }>();
      expect(body.problems.map((p) => p.field)).toEqual(['returnTo']);
      expect(signInCookies(browser)).toEqual([]);
    });

    it('refuses returnTo given twice', async () => {
      const response = await new TestBrowser().request(`${base}/auth/login?returnTo=/a&returnTo=/b`);
      expect(response.status).toBe(400);
    });
  });

  describe('who may call what', () => {
    it('answers an unauthenticated API call with 401 JSON and sends a page to sign in', async () => {
      const browser = new TestBrowser();
      const api = await browser.request(`${base}/api/thing`);
      expect(api.status).toBe(401);
      expect(api.json()).toMatchObject({ statusCode: 401, message: 'sign in first' });
      const page = await browser.request(`${base}/page?x=1`);
      expect(page.status).toBe(302);
      expect(page.location).toBe(`${base}/auth/login?returnTo=%2Fpage%3Fx%3D1`);
    });

    it('answers 403 to a person without the role, on API routes and pages', async () => {
      const browser = new TestBrowser();
      await signIn(browser, 'rr101');
      for (const path of ['/api/admin', '/admin-page', '/api/data']) {
        const response = await browser.request(`${base}${path}`);
        expect(response.status).toBe(403);
        expect(response.json<{ message: string }>().message).toMatch(
          /^rr101@uni\.example\.ac\.uk does not have the (admin|data-manager) role this needs$/,
        );
      }
      const admin = new TestBrowser();
      await signIn(admin, 'aa303');
      expect((await admin.request(`${base}/admin-page`)).status).toBe(200);
      expect((await admin.request(`${base}/api/data`)).status).toBe(403);
    });

    it('leaves routes without @SignedIn to the bearer-token guard', async () => {
      const browser = new TestBrowser();
      await signIn(browser, 'aa303');
      expect((await browser.request(`${base}/job`)).status).toBe(401);
      const asJob = await browser.request(`${base}/job`, {
        headers: { authorization: `Bearer ${JOB_TOKEN}` },
      });
      expect(asJob.status).toBe(200);
    });
  });

  describe('the session cookie', () => {
    const session = (overrides: Partial<SessionData> = {}): SessionData => {
      const now = Math.floor(Date.now() / 1000);
      return {
        v: 1,
        sid: 'a-session-id-of-some-length',
        sub: 'aa303',
        email: 'aa303@uni.example.ac.uk',
        groups: ['storage-admins'],
        iat: now - 60,
        exp: now + 3600,
        seen: now - 10,
        ...overrides,
      };
    };
    const withCookie = (value: string) => {
      const browser = new TestBrowser();
      browser.setCookie(base, COOKIE, value);
      return browser;
    };

    it('accepts a cookie signed with the current or the previous secret', async () => {
      for (const secret of [SECRET, PREVIOUS_SECRET]) {
        const response = await me(withCookie(sealSession(session(), [secret])));
        expect(response.status).toBe(200);
        expect(response.json<WebUser>().roles).toEqual(['admin']);
      }
    });

    it.each<[string, () => string, string]>([
      [
        'signed with an unknown secret',
        () => sealSession(session(), [STRANGER_SECRET]),
        'session cookie is not valid; sign in again',
      ],
      [
        'with a changed payload',
        () => {
          const [, mac] = sealSession(session({ groups: [] }), [SECRET]).split('.');
          const body = Buffer.from(JSON.stringify(session())).toString('base64url');
          return `${body}.${mac}`;
        },
        'session cookie is not valid; sign in again',
      ],
      ['that is not a cookie of ours', () => 'not-a-session', 'session cookie is not valid; sign in again'],
      [
        'past its absolute end',
        () => sealSession(session({ exp: Math.floor(Date.now() / 1000) - 1 }), [SECRET]),
        'session has expired; sign in again',
      ],
      [
        'idle for longer than the limit',
        () => sealSession(session({ seen: Math.floor(Date.now() / 1000) - IDLE_SECONDS - 1 }), [SECRET]),
        'session ended after a period without activity; sign in again',
      ],
    ])('refuses one %s with 401, and clears it', async (_case, value, message) => {
      const browser = withCookie(value());
      const response = await me(browser);
      expect(response.status).toBe(401);
      expect(response.json<{ message: string }>().message).toBe(message);
      expect(response.headers.getSetCookie()).toContain(
        `${COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax; Expires=Thu, 01 Jan 1970 00:00:00 GMT`,
      );
      expect(browser.cookie(base, COOKIE)).toBeUndefined();
      // A page sends the browser to sign in again instead.
      expect((await withCookie(value()).request(`${base}/page`)).status).toBe(302);
    });

    it('renews the last-seen time on use, so activity keeps a session alive', async () => {
      const browser = withCookie(
        sealSession(session({ seen: Math.floor(Date.now() / 1000) - 600 }), [SECRET]),
      );
      const response = await me(browser);
      expect(response.status).toBe(200);
      const renewed = browser.cookie(base, COOKIE) ?? '';
      const payload = JSON.parse(Buffer.from(renewed.split('.')[0] ?? '', 'base64url').toString('utf8'));
      expect(payload.seen).toBeGreaterThanOrEqual(Math.floor(Date.now() / 1000) - 5);
      expect(payload.exp).toBe(session().exp);
    });
  });

  describe('CSRF', () => {
    let browser: TestBrowser;
    let token: string;

    beforeAll(async () => {
      browser = new TestBrowser();
      await signIn(browser, 'aa303');
      token = (await me(browser)).json<WebUser>().csrfToken ?? '';
    });

    it('refuses a state-changing request with the session and no token', async () => {
      const response = await browser.request(`${base}/api/thing`, { method: 'POST', json: { a: 1 } });
      expect(response.status).toBe(403);
      expect(response.json<{ message: string }>().message).toBe(
        'missing CSRF token: send the _csrf form field or the X-CSRF-Token header',
      );
    });

    it('refuses a token of another session', async () => {
      const other = new TestBrowser();
      await signIn(other, 'aa303');
      const otherToken = (await me(other)).json<WebUser>().csrfToken ?? '';
      const response = await browser.request(`${base}/api/thing`, {
        method: 'POST',
        headers: { 'x-csrf-token': otherToken },
      });
      expect(response.status).toBe(403);
      expect(response.json<{ message: string }>().message).toBe('CSRF token is not valid for this session');
    });

    it('accepts the token from the header or from a form field', async () => {
      const fromHeader = await browser.request(`${base}/api/thing`, {
        method: 'POST',
        headers: { 'x-csrf-token': token, origin: base, 'sec-fetch-site': 'same-origin' },
        json: { a: 1 },
      });
      expect(fromHeader.status).toBe(200);
      expect(fromHeader.json()).toMatchObject({ changed: true, by: 'aa303@uni.example.ac.uk' });
      const fromForm = await browser.request(`${base}/api/thing`, { form: { _csrf: token, name: 'x' } });
      expect(fromForm.status).toBe(200);
    });

    it.each([
      [{ origin: 'https://evil.example' }, 'cross-origin request refused (Origin is not this site)'],
      [{ 'sec-fetch-site': 'cross-site' }, 'cross-site request refused (Sec-Fetch-Site: cross-site)'],
      [{ 'sec-fetch-site': 'same-site' }, 'cross-site request refused (Sec-Fetch-Site: same-site)'],
    ])('refuses a request from elsewhere (%j) even with the token', async (headers, message) => {
      const response = await browser.request(`${base}/api/thing`, {
        method: 'POST',
        headers: { ...headers, 'x-csrf-token': token },
      });
      expect(response.status).toBe(403);
      expect(response.json<{ message: string }>().message).toBe(message);
    });

    it('leaves safe methods alone', async () => {
      expect(
        (await browser.request(`${base}/api/thing`, { headers: { origin: 'https://evil.example' } })).status,
      ).toBe(200);
    });

    it('does not apply to bearer-token calls without a cookie, which need their role', async () => {
      const asOperator = await new TestBrowser().request(`${base}/api/approve`, {
        method: 'POST',
        headers: { authorization: `Bearer ${OPERATOR_TOKEN}` },
      });
      expect(asOperator.status).toBe(200);
      expect(asOperator.json()).toEqual({ approvedBy: 'token:operator', via: 'bearer' });
      const asJob = await new TestBrowser().request(`${base}/api/approve`, {
        method: 'POST',
        headers: { authorization: `Bearer ${JOB_TOKEN}` },
      });
      expect(asJob.status).toBe(403);
      const forged = await new TestBrowser().request(`${base}/api/approve`, {
        method: 'POST',
        headers: { authorization: 'Bearer not-a-token' },
      });
      expect(forged.status).toBe(401);
    });

    it('still applies when a session cookie comes with a bearer token', async () => {
      const response = await browser.request(`${base}/api/approve`, {
        method: 'POST',
        headers: { authorization: `Bearer ${OPERATOR_TOKEN}` },
      });
      expect(response.status).toBe(403);
    });
  });

  describe('signing out', () => {
    it('needs the CSRF token, clears the session and sends the browser to end the provider session', async () => {
      const browser = new TestBrowser();
      await signIn(browser, 'rr101');
      const token = (await me(browser)).json<WebUser>().csrfToken ?? '';
      expect((await browser.request(`${base}/auth/logout`, { method: 'POST' })).status).toBe(403);
      expect((await me(browser)).status).toBe(200);

      const logout = await browser.request(`${base}/auth/logout`, { form: { _csrf: token } });
      expect(logout.status).toBe(303);
      const endSession = new URL(logout.location ?? '');
      expect(endSession.origin).toBe(t.provider?.issuer);
      expect(endSession.searchParams.get('post_logout_redirect_uri')).toBe(`${base}/`);
      expect(endSession.searchParams.get('client_id')).toBe(TEST_OIDC_CLIENT_ID);
      expect(browser.cookie(base, COOKIE)).toBeUndefined();
      expect((await me(browser)).status).toBe(401);

      // The provider asks to confirm, then comes back to the app.
      const confirm = await browser.follow(logout.location ?? '');
      expect(confirm.status).toBe(200);
      const form = /<form[^>]*action="([^"]+)"[^>]*>([\s\S]*?)<\/form>/.exec(confirm.text);
      const fields = Object.fromEntries(
        [...(form?.[2] ?? '').matchAll(/name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1], m[2]]),
      );
      const back = await browser.request(new URL(form?.[1] ?? '', confirm.url).href, {
        form: { ...fields, logout: 'yes' },
      });
      expect(back.location).toBe(`${base}/`);
      // Signing in again asks who you are.
      const again = await browser.follow(`${base}/auth/login`);
      expect(again.text).toContain('choose who you are');
    });

    it('signs out a browser with no session without asking for a token', async () => {
      const response = await new TestBrowser().request(`${base}/auth/logout`, { method: 'POST' });
      expect(response.status).toBe(303);
      const sameSite = await new TestBrowser().request(`${base}/auth/logout`, {
        method: 'POST',
        headers: { 'sec-fetch-site': 'same-origin', origin: base },
      });
      expect(sameSite.status).toBe(303);
    });

    it.each([
      ['Sec-Fetch-Site: cross-site', { 'sec-fetch-site': 'cross-site' }],
      ['Sec-Fetch-Site: same-site', { 'sec-fetch-site': 'same-site' }],
      ['an Origin that is another site', { origin: 'https://elsewhere.example' }],
    ])('refuses a sign-out from another site (%s), with or without a session', async (_name, headers) => {
      const stranger = await new TestBrowser().request(`${base}/auth/logout`, { method: 'POST', headers });
      expect(stranger.status).toBe(403);
      expect(stranger.headers.getSetCookie()).toEqual([]);

      const browser = new TestBrowser();
      await signIn(browser, 'rr101');
      const token = (await me(browser)).json<WebUser>().csrfToken ?? '';
      const forged = await browser.request(`${base}/auth/logout`, {
        method: 'POST',
        headers: { ...headers, 'x-csrf-token': token },
      });
      expect(forged.status).toBe(403);
      expect((await me(browser)).status).toBe(200);
    });
  });
});
