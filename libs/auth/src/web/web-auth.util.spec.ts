import { describe, expect, it } from '@jest/globals';
import { parseCookies, serializeCookie } from './cookies.util.js';
import { csrfProblem, csrfTokenFor, isCsrfTokenValid } from './csrf.util.js';
import { returnToProblem } from './return-to.util.js';
import { hasAnyRole, relevantGroups, rolesFor } from './roles.util.js';
import { openSession, openSignIn, sealSession, sealSignIn, type SessionData } from './session.util.js';
import { signValue, verifySignedValue } from './signed-value.util.js';

const A = 'secret-a-0123456789abcdef0123456789';
const B = 'secret-b-0123456789abcdef0123456789';

describe('returnToProblem', () => {
  it.each(['/', '/page', '/accounts/7?tab=members#x', '/a/b/../c', '/search?q=%2F%2Fx'])(
    'accepts %j',
    (path) => {
      expect(returnToProblem(path)).toBeUndefined();
    },
  );

  it.each([
    ['https://evil.example', 'must be a path on this site, starting with /'],
    ['//evil.example', 'must be a path on this site, not another host'],
    ['///evil.example', 'must be a path on this site, not another host'],
    ['/\\evil.example', 'must not contain backslashes, spaces or control characters'],
    ['/\t/evil.example', 'must not contain backslashes, spaces or control characters'],
    ['/\n/evil.example', 'must not contain backslashes, spaces or control characters'],
    ['/ /x', 'must not contain backslashes, spaces or control characters'],
    ['javascript:alert(1)', 'must be a path on this site, starting with /'],
    ['', 'must be a path on this site, starting with /'],
    [`/${'x'.repeat(2000)}`, 'must be at most 2000 characters'],
  ])('refuses %j', (path, problem) => {
    expect(returnToProblem(path)).toBe(problem);
  });
});

describe('signed values', () => {
  it('round-trips with the signing secret and with a later-listed one (rotation)', () => {
    const value = signValue('p', { a: 1 }, [A]);
    expect(verifySignedValue('p', value, [A])).toEqual({ a: 1 });
    expect(verifySignedValue('p', value, [B, A])).toEqual({ a: 1 });
  });

  it.each<[string, (value: string) => string, string[], string]>([
    ['an unknown secret', (v) => v, [B], 'p'],
    ['another purpose', (v) => v, [A], 'q'],
    ['a changed body', (v) => `${Buffer.from('{"a":2}').toString('base64url')}.${v.split('.')[1]}`, [A], 'p'],
    ['a changed signature', (v) => `${v.slice(0, -1)}${v.endsWith('A') ? 'B' : 'A'}`, [A], 'p'],
    ['a missing signature', (v) => v.split('.')[0] ?? '', [A], 'p'],
    ['three parts', (v) => `${v}.x`, [A], 'p'],
  ])('refuses %s', (_case, change, secrets, purpose) => {
    expect(verifySignedValue(purpose, change(signValue('p', { a: 1 }, [A])), secrets)).toBeUndefined();
  });
});

describe('sessions', () => {
  const now = 1_800_000_000;
  const session: SessionData = {
    v: 1,
    sid: 'sid-0123456789abcdef',
    sub: 's',
    groups: [],
    iat: now - 100,
    exp: now + 100,
    seen: now - 10,
  };

  it.each<[string, Partial<SessionData>, number, string]>([
    ['live', {}, now, 'ok'],
    ['at its absolute end', {}, now + 100, 'expired'],
    ['idle exactly the limit', { seen: now - 60 }, now, 'idle'],
    ['idle just under the limit', { seen: now - 59 }, now, 'ok'],
  ])('reads a session %s', (_case, change, at, outcome) => {
    const reading = openSession(sealSession({ ...session, ...change }, [A]), [A], at, 60);
    expect(reading.ok ? 'ok' : reading.reason).toBe(outcome);
  });

  it('does not take a sign-in cookie for a session, or the reverse', () => {
    const signIn = sealSignIn(
      { state: 's', nonce: 'n', verifier: 'v'.repeat(43), returnTo: '/', exp: now + 1 },
      [A],
    );
    expect(openSession(signIn, [A], now, 60)).toEqual({ ok: false, reason: 'invalid' });
    expect(openSignIn(sealSession(session, [A]), [A], now)).toBeUndefined();
    expect(openSignIn(signIn, [A], now)).toBeDefined();
    expect(openSignIn(signIn, [A], now + 1)).toBeUndefined();
  });

  it('refuses a session with fields it does not know (no smuggled tokens)', () => {
    const value = signValue('session', { ...session, access_token: 'x' }, [A]);
    expect(openSession(value, [A], now, 60)).toEqual({ ok: false, reason: 'invalid' });
  });
});

describe('CSRF', () => {
  const token = csrfTokenFor('sid-1', [A]);
  const post = (headers: Record<string, string>, body?: unknown) => ({ method: 'POST', headers, body });

  it('ties a token to one session and accepts it after a rotation', () => {
    expect(isCsrfTokenValid(token, 'sid-1', [A])).toBe(true);
    expect(isCsrfTokenValid(token, 'sid-2', [A])).toBe(false);
    expect(isCsrfTokenValid(token, 'sid-1', [B, A])).toBe(true);
    expect(isCsrfTokenValid(token, 'sid-1', [B])).toBe(false);
    expect(csrfTokenFor('sid-1', [B, A])).not.toBe(token);
  });

  it.each<
    [
      string,
      ReturnType<typeof post> | { method: string; headers: Record<string, string> },
      string | undefined,
    ]
  >([
    ['a GET', { method: 'GET', headers: {} }, undefined],
    ['a HEAD from another site', { method: 'HEAD', headers: { 'sec-fetch-site': 'cross-site' } }, undefined],
    ['a POST with the header', post({ 'x-csrf-token': token }), undefined],
    ['a POST with the form field', post({}, { _csrf: token }), undefined],
    [
      'a same-origin POST',
      post({ 'x-csrf-token': token, origin: 'https://app.example', 'sec-fetch-site': 'same-origin' }),
      undefined,
    ],
    [
      'a POST without a token',
      post({}),
      'missing CSRF token: send the _csrf form field or the X-CSRF-Token header',
    ],
    [
      'a POST with an empty token',
      post({ 'x-csrf-token': '' }),
      'missing CSRF token: send the _csrf form field or the X-CSRF-Token header',
    ],
    [
      'a POST with a token in a non-string field',
      post({}, { _csrf: [token] }),
      'missing CSRF token: send the _csrf form field or the X-CSRF-Token header',
    ],
    [
      'a POST with a wrong token',
      post({ 'x-csrf-token': 'x'.repeat(43) }),
      'CSRF token is not valid for this session',
    ],
    [
      'a DELETE without a token',
      { method: 'DELETE', headers: {} },
      'missing CSRF token: send the _csrf form field or the X-CSRF-Token header',
    ],
    [
      'a POST from another origin',
      post({ 'x-csrf-token': token, origin: 'https://evil.example' }),
      'cross-origin request refused (Origin is not this site)',
    ],
    [
      'a POST with Origin null',
      post({ 'x-csrf-token': token, origin: 'null' }),
      'cross-origin request refused (Origin is not this site)',
    ],
    [
      'a POST from another site',
      post({ 'x-csrf-token': token, 'sec-fetch-site': 'cross-site' }),
      'cross-site request refused (Sec-Fetch-Site: cross-site)',
    ],
    [
      'a POST typed in the address bar',
      post({ 'x-csrf-token': token, 'sec-fetch-site': 'none' }),
      'cross-site request refused (Sec-Fetch-Site: none)',
    ],
  ])('%s', (_case, request, problem) => {
    expect(csrfProblem(request, 'https://app.example', 'sid-1', [A])).toBe(problem);
  });
});

describe('roles', () => {
  const rules = {
    administrators: { emails: ['Boss@Uni.example.ac.uk'], groups: ['Admins'] },
    roles: {
      'data-manager': { emails: ['dm@uni.example.ac.uk'], groups: ['managers'] },
      admin: { emails: ['x@y.zz'], groups: [] },
    },
  };

  it.each<[string, { email?: string; groups: string[] }, string[]]>([
    ['an administrator by email, any case', { email: 'boss@uni.example.ac.uk', groups: [] }, ['admin']],
    ['an administrator by group, any case', { groups: ['admins'] }, ['admin']],
    ['a data manager by group', { email: 'a@b.cc', groups: ['managers'] }, ['data-manager']],
    ['both', { email: 'dm@uni.example.ac.uk', groups: ['ADMINS'] }, ['admin', 'data-manager']],
    ['nobody in particular', { email: 'a@b.cc', groups: ['other'] }, []],
    ['an app role that tries to redefine admin', { email: 'x@y.zz', groups: [] }, []],
  ])('%s', (_case, person, roles) => {
    expect(rolesFor(person, rules)).toEqual(roles);
  });

  it('keeps only the groups some role names', () => {
    expect(relevantGroups(['a', 'Managers', 'admins', 'b', 'admins'], rules)).toEqual(['Managers', 'admins']);
  });

  it('lets anyone signed in through when a route lists no role', () => {
    expect(hasAnyRole([], [])).toBe(true);
    expect(hasAnyRole([], ['admin'])).toBe(false);
    expect(hasAnyRole(['data-manager'], ['admin', 'data-manager'])).toBe(true);
  });
});

describe('cookies', () => {
  it('serialises HttpOnly, SameSite=Lax, Secure when asked, and deletions', () => {
    expect(serializeCookie('__Host-s', 'v', { path: '/', secure: true, maxAgeSeconds: 60.7 })).toBe(
      '__Host-s=v; Path=/; Max-Age=60; HttpOnly; SameSite=Lax; Secure',
    );
    expect(serializeCookie('s', '', { path: '/', secure: false, maxAgeSeconds: 0 })).toBe(
      's=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax; Expires=Thu, 01 Jan 1970 00:00:00 GMT',
    );
  });

  it('parses a Cookie header, first of a repeated name winning', () => {
    expect([...parseCookies('a=1; b=x=y;c; a=2;  d = 4 ')]).toEqual([
      ['a', '1'],
      ['b', 'x=y'],
      ['d', '4'],
    ]);
    expect(parseCookies(undefined).size).toBe(0);
  });
});
