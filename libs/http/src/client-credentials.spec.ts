// The client-credentials token source against a real token endpoint (the simulators' issuer, over
// HTTP): caching until shortly before expiry, one token request for many waiting callers, one
// fresh token on a 401, and failures that name the token endpoint and never carry the secret.
import { inspect } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import express from 'express';
import { SimulatedTokenIssuer } from '../../../simulators/common/client-credentials.js';
import {
  createSimulatorApp,
  listen,
  type RunningSimulator,
  SimulatorControl,
} from '../../../simulators/common/simulator.js';
import {
  basicAuthorization,
  type ClientCredentialsOptions,
  ClientCredentialsTokens,
  createHttpClient,
  HttpPolicy,
  UpstreamError,
} from './index.js';

const CLIENT = { clientId: 'test-client', clientSecret: 'the-client-secret-0123' };
const control = new SimulatorControl();
let clock = 1_000_000;
const issuer = new SimulatedTokenIssuer({ oauth2: { ...CLIENT, tokenLifetimeSeconds: 3600 } }, () => clock);
let server: RunningSimulator;
let tokenUrl: string;
/** The `Authorization` headers the protected resource saw. */
const seen: string[] = [];

beforeAll(async () => {
  const app = createSimulatorApp(control, 'token-test');
  app.post('/oauth/token', express.urlencoded({ extended: false }), (req, res) => issuer.issue(req, res));
  app.get('/resource', (req, res) => {
    seen.push(req.get('authorization') ?? '');
    if (issuer.authorised(req.get('authorization'))) res.json({ ok: true });
    else res.status(401).json({ error: 'unauthorized' });
  });
  server = await listen(app);
  tokenUrl = `${server.url}/oauth/token`;
});
afterAll(() => server.close());
beforeEach(() => {
  control.reset();
  issuer.revoke();
  issuer.issued = 0;
  seen.length = 0;
});

function tokens(options: Partial<ClientCredentialsOptions> = {}): ClientCredentialsTokens {
  return new ClientCredentialsTokens({
    system: 'Test',
    tokenUrl,
    ...CLIENT,
    policy: new HttpPolicy({ system: 'Test', timeoutMs: 2000, maxAttempts: 2, baseDelayMs: 1 }),
    now: () => clock,
    ...options,
  });
}

/** The token endpoint's next answer is `body` (200). */
function answerTokenRequestOnce(body: object): void {
  control.addFault({ method: 'POST', path: '/oauth/token', status: 200, times: 1, body });
}

const resource = createHttpClient({ system: 'Test', baseURL: 'http://127.0.0.1', maxAttempts: 1 });
const read = (authorization: string) =>
  resource.get<unknown>(`${server.url}/resource`, { headers: { Authorization: authorization } });

describe('ClientCredentialsTokens', () => {
  it.each([
    ['3600 s: renewed 60 s before', { expires_in: 3600 }, 3540_000],
    ['100 s, as a string: renewed a tenth before', { expires_in: '100' }, 90_000],
    ['none given: 300 s assumed', {}, 270_000],
  ])('keeps a token until shortly before it expires (%s)', async (_case, expiry, keptMs) => {
    answerTokenRequestOnce({ access_token: 'first-token', token_type: 'Bearer', ...expiry });
    const source = tokens();
    expect(await source.accessToken()).toBe('first-token');
    clock += keptMs - 1;
    expect(await source.accessToken()).toBe('first-token');
    expect(source.calls).toBe(1);
    clock += 2;
    expect(await source.accessToken()).not.toBe('first-token');
    expect(source.calls).toBe(2);
  });

  it('makes one token request for many callers at once, and tries again after a failure', async () => {
    const source = tokens();
    const all = await Promise.all(Array.from({ length: 8 }, () => source.accessToken()));
    expect(new Set(all).size).toBe(1);
    expect(source.calls).toBe(1);
    expect(issuer.issued).toBe(1);

    const failing = tokens({
      policy: new HttpPolicy({ system: 'Test', timeoutMs: 2000, maxAttempts: 1 }),
    });
    control.addFault({ method: 'POST', path: '/oauth/token', status: 503, times: 1 });
    const failures = await Promise.allSettled([failing.accessToken(), failing.accessToken()]);
    expect(failures.map((f) => f.status)).toEqual(['rejected', 'rejected']);
    expect(failing.calls).toBe(1);
    expect(await failing.accessToken()).toEqual(expect.any(String));
    expect(failing.calls).toBe(2);
  });

  it('retries a token request that met a 5xx (asking again is harmless)', async () => {
    control.addFault({ method: 'POST', path: '/oauth/token', status: 502, times: 1 });
    const source = tokens();
    expect(await source.accessToken()).toEqual(expect.any(String));
    expect(source.calls).toBe(2);
  });

  it('sends with the token; on a 401 fetches a fresh token once and sends again', async () => {
    const source = tokens();
    expect((await source.send(read)).data).toEqual({ ok: true });
    issuer.revoke();
    expect((await source.send(read)).data).toEqual({ ok: true });
    expect(source.calls).toBe(2);
    expect(seen).toHaveLength(3);
    expect(seen[1]).not.toBe(seen[2]);
  });

  it('gives up when the fresh token is refused too, with the 401', async () => {
    control.addFault({ path: '/resource', status: 401 });
    const source = tokens();
    const error = await source.send(read).catch((e: unknown) => e);
    expect(error).toMatchObject({ response: { status: 401 } });
    expect(source.calls).toBe(2);
    expect(control.callCount({ path: '/resource' })).toBe(2);
  });

  it('does not fetch a token again for failures other than 401', async () => {
    control.addFault({ path: '/resource', status: 403 });
    const source = tokens();
    await expect(source.send(read)).rejects.toMatchObject({ response: { status: 403 } });
    expect(source.calls).toBe(1);
  });

  it('names the token endpoint in its errors, never the secret or the credentials header', async () => {
    const secret = 'not-the-secret-9876';
    const refused = await tokens({ clientSecret: secret })
      .accessToken()
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(UpstreamError);
    expect(refused).toMatchObject({ system: 'Test', status: 401 });
    expect((refused as Error).message).toBe(`Test: token request to ${tokenUrl} failed: HTTP 401`);
    const text = inspect(refused, { depth: 20, showHidden: true });
    expect(text).not.toContain(secret);
    expect(text).not.toContain(Buffer.from(`${CLIENT.clientId}:${secret}`).toString('base64'));

    answerTokenRequestOnce({ token: 'a-token-in-the-wrong-field', expires_in: 60 });
    const odd = await tokens()
      .accessToken()
      .catch((e: unknown) => e);
    expect((odd as Error).message).toBe(
      `Test: unexpected answer from the token endpoint ${tokenUrl} (fields: access_token)`,
    );
    expect(inspect(odd, { depth: 20, showHidden: true })).not.toContain('a-token-in-the-wrong-field');

    const closed = await listen(express());
    await closed.close();
    const unreachable = await tokens({
      tokenUrl: `${closed.url}/oauth/token?client_secret=${secret}`,
      policy: new HttpPolicy({ system: 'Test', timeoutMs: 2000, maxAttempts: 1 }),
    })
      .accessToken()
      .catch((e: unknown) => e);
    expect((unreachable as Error).message).toBe(
      `Test: token request to ${closed.url}/oauth/token failed: ECONNREFUSED`,
    );
    expect(inspect(unreachable, { depth: 20, showHidden: true })).not.toContain(secret);
  });
});

describe('basicAuthorization', () => {
  it('sends the same Basic header every time', async () => {
    const seenHere: string[] = [];
    await basicAuthorization('user', 'pass').send((header) => Promise.resolve(seenHere.push(header)));
    expect(seenHere).toEqual([`Basic ${Buffer.from('user:pass').toString('base64')}`]);
  });
});
