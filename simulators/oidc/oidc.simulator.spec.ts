import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startSimulatorMain } from '../common/simulator-main.js';
import { SeedError } from '../common/simulator.js';
import { LOCAL_CLIENT_ID } from './demo-people.js';
import { oidcMain } from './oidc-main.js';
import type { OidcSimulator } from './oidc.simulator.js';

const OFFSET = 21_000;
const REDIRECT = `http://127.0.0.1:${3002 + OFFSET}/auth/callback`;
// RFC 7636's example verifier and challenge.
const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';

describe('OIDC simulator', () => {
  let simulator: OidcSimulator;
  let line: Record<string, unknown>;

  beforeAll(async () => {
    ({ simulator, line } = await startSimulatorMain(oidcMain, ['--port', '0'], {
      LOCAL_PORT_OFFSET: String(OFFSET),
    }));
  });
  afterAll(() => simulator.close());

  const authorize = (params: Record<string, string>) =>
    fetch(`${simulator.issuer}/auth?${new URLSearchParams(params).toString()}`, { redirect: 'manual' });
  const request = {
    client_id: LOCAL_CLIENT_ID,
    redirect_uri: REDIRECT,
    response_type: 'code',
    scope: 'openid email profile',
    state: 'state-0123456789',
    nonce: 'nonce-0123456789',
    code_challenge: CHALLENGE,
    code_challenge_method: 'S256',
  };

  it('says where it listens, its discovery document and its people', () => {
    expect(line).toEqual({
      simulator: 'oidc',
      url: simulator.url,
      issuer: simulator.url,
      discovery: `${simulator.url}/.well-known/openid-configuration`,
      people: ['rr101', 'dm202', 'aa303', 'eo404', 'ed505'],
    });
  });

  it('publishes discovery with PKCE (S256), the code flow and end-session', async () => {
    const response = await fetch(`${simulator.issuer}/.well-known/openid-configuration`);
    const metadata = (await response.json()) as Record<string, unknown>;
    expect(metadata).toMatchObject({
      issuer: simulator.issuer,
      code_challenge_methods_supported: ['S256'],
      response_types_supported: expect.arrayContaining(['code']),
      end_session_endpoint: `${simulator.issuer}/session/end`,
      claims_supported: expect.arrayContaining(['email', 'email_verified', 'name', 'groups']),
    });
  });

  it('shows a page to choose one of its people, and refuses someone it does not have', async () => {
    const start = await authorize(request);
    expect(start.status).toBe(303);
    const cookies = start.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    const interaction = new URL(start.headers.get('location') ?? '', simulator.issuer);
    const page = await fetch(interaction, { headers: { cookie: cookies } });
    const html = await page.text();
    for (const name of ['Rosa Researcher', 'Dev Data-Manager', 'Ada Administrator'])
      expect(html).toContain(name);
    const action = /action="([^"]+)"/.exec(html)?.[1] ?? '';
    const unknown = await fetch(new URL(action, simulator.issuer), {
      method: 'POST',
      headers: { cookie: cookies, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'person=nobody',
      redirect: 'manual',
    });
    expect(unknown.status).toBe(400);
  });

  it('requires PKCE and a registered redirect URI', async () => {
    const { code_challenge: _c, code_challenge_method: _m, ...withoutPkce } = request;
    const noPkce = await authorize(withoutPkce);
    expect(new URL(noPkce.headers.get('location') ?? '').searchParams.get('error')).toBe('invalid_request');
    const elsewhere = await authorize({ ...request, redirect_uri: 'https://evil.example/auth/callback' });
    expect(elsewhere.status).toBe(400);
    expect(await elsewhere.text()).toContain('redirect_uri did not match');
  });

  it('checks seed files, naming the field', () => {
    expect(() => simulator.parseSeed([{ id: 'x', name: 'X', email: 'not-an-address', groups: [] }])).toThrow(
      SeedError,
    );
    expect(() => simulator.parseSeed([{ id: 'x', name: 'X', email: 'x@y.zz' }])).toThrow(/\[0\]\.groups/);
  });
});
