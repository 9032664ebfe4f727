import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { UpstreamError } from '@app/http';
import { CufsSimulator } from '../../../../simulators/cufs/cufs.simulator.js';
import { demoCufsData } from '../../../../simulators/cufs/demo-data.js';
import { CufsClient, type CufsClientOptions } from './cufs.client.js';

const BASIC = { username: 'cufs-api', password: 'basic-secret-for-tests' };
const OAUTH = {
  clientId: 'cufs-api-client',
  clientSecret: 'oauth-secret-for-tests',
  tokenLifetimeSeconds: 3600,
};

describe('CufsClient against the CUFS simulator', () => {
  let clock = Date.parse('2026-06-01T00:00:00Z');
  const now = () => clock;
  const simulator = new CufsSimulator({ basic: BASIC, oauth2: OAUTH, now });

  const client = (auth: 'basic' | 'oauth2', overrides: Partial<CufsClientOptions> = {}) =>
    new CufsClient({
      baseUrl: simulator.url,
      auth: auth === 'basic' ? { kind: 'basic', ...BASIC } : { kind: 'oauth2', ...OAUTH },
      timeoutMs: 2000,
      maxAttempts: 3,
      baseDelayMs: 1,
      now,
      ...overrides,
    });

  beforeAll(async () => {
    await simulator.start();
  });
  afterAll(() => simulator.close());
  beforeEach(() => {
    simulator.reset();
    simulator.seed(demoCufsData());
    simulator.revokeTokens();
    simulator.tokensIssued = 0;
  });

  it('reads a value, a project and a purchase order; null for what CUFS does not have', async () => {
    const cufs = client('basic');
    expect(await cufs.getValue('cost-centre', 'PNLI')).toMatchObject({
      set: 'cost-centre',
      value: 'PNLI',
      enabled: true,
      parent: 'PN',
    });
    expect(await cufs.getValue('department', 'QQ')).toBeNull();
    expect(await cufs.getProject('ZZAG001')).toMatchObject({ projectNumber: 'ZZAG001', status: 'ACTIVE' });
    expect(await cufs.getProject('NOPE1')).toBeNull();
    expect(await cufs.getPurchaseOrder('PN100001')).toMatchObject({ status: 'APPROVED', remaining: 500_000 });
    expect(await cufs.getPurchaseOrder('PN999999')).toBeNull();
    expect(cufs.calls).toBe(6);
  });

  it('throws on wrong credentials without putting them in the error', async () => {
    const cufs = client('basic', {
      auth: { kind: 'basic', username: 'cufs-api', password: 'wrong-password-xyz' },
    });
    const error = await cufs.getValue('department', 'PN').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error).toMatchObject({ system: 'CUFS', status: 401 });
    const text = inspect(error, { depth: 20, showHidden: true });
    expect(text).not.toContain('wrong-password-xyz');
    expect(text).not.toContain(Buffer.from('cufs-api:wrong-password-xyz').toString('base64'));
  });

  it('retries a 503 and succeeds; throws after the retries when CUFS keeps failing', async () => {
    simulator.control.addFault({ path: '/api/v1/value-sets', status: 503, times: 1 });
    const cufs = client('basic');
    expect(await cufs.getValue('department', 'PN')).not.toBeNull();
    expect(cufs.calls).toBe(2);
    simulator.control.addFault({ path: '/api/v1/value-sets', status: 500 });
    await expect(cufs.getValue('department', 'PN')).rejects.toMatchObject({
      name: 'UpstreamError',
      status: 500,
    });
    expect(cufs.calls).toBe(5);
  });

  it('gives up on a CUFS that never answers, after its deadline', async () => {
    simulator.hang('/api/v1/projects');
    const cufs = client('basic', { timeoutMs: 100, deadlineMs: 250 });
    const error = await cufs.getProject('ZZAG001').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamError);
    expect((error as Error).message).toMatch(/ECONNABORTED|timeout/);
  });

  it('throws on an answer that is not the model, naming the fields', async () => {
    simulator.control.addFault({
      path: '/api/v1/purchase-orders',
      status: 200,
      body: { number: 'PN1' },
      times: 1,
    });
    await expect(client('basic').getPurchaseOrder('PN100001')).rejects.toThrow(/unexpected answer.*status/);
  });

  describe('with OAuth2 client credentials', () => {
    it('fetches one token for many reads, shared by concurrent first reads', async () => {
      const cufs = client('oauth2');
      await Promise.all([
        cufs.getValue('department', 'PN'),
        cufs.getValue('cost-centre', 'PNLI'),
        cufs.getProject('ZZAG001'),
      ]);
      await cufs.getPurchaseOrder('PN100001');
      expect(cufs.tokenCalls).toBe(1);
      expect(simulator.tokensIssued).toBe(1);
      expect(cufs.calls).toBe(4);
    });

    it('renews the token shortly before it expires, once, without a 401', async () => {
      const cufs = client('oauth2');
      await cufs.getValue('department', 'PN');
      clock += 3540_000 - 1;
      await cufs.getValue('department', 'PN');
      expect(cufs.tokenCalls).toBe(1);
      clock += 2;
      await Promise.all([cufs.getValue('department', 'PN'), cufs.getValue('department', 'CH')]);
      expect(cufs.tokenCalls).toBe(2);
      expect(simulator.control.calls.filter((call) => call.status === 401)).toHaveLength(0);
    });

    it('fetches a new token once when a read gets 401 (an expired or revoked token), then succeeds', async () => {
      const cufs = client('oauth2');
      await cufs.getValue('department', 'PN');
      simulator.revokeTokens();
      expect(await cufs.getValue('department', 'CH')).not.toBeNull();
      expect(cufs.tokenCalls).toBe(2);
      expect(cufs.calls).toBe(3);
    });

    it('throws when the token endpoint refuses the client, without leaking the secret', async () => {
      const cufs = client('oauth2', {
        auth: { kind: 'oauth2', clientId: OAUTH.clientId, clientSecret: 'not-the-secret-1' },
      });
      const error = await cufs.getValue('department', 'PN').catch((e: unknown) => e);
      expect(error).toMatchObject({ name: 'UpstreamError', status: 401 });
      expect(inspect(error, { depth: 20, showHidden: true })).not.toContain('not-the-secret-1');
      expect(cufs.calls).toBe(0);
    });
  });

  describe('a 404 that is not CUFS saying "not found"', () => {
    let html: Server;
    let htmlUrl = '';

    beforeAll(async () => {
      // A proxy or a wrong CUFS_URL: every path is an HTML 404 page.
      html = createServer((_req, res) => {
        res.writeHead(404, { 'Content-Type': 'text/html' });
        res.end('<html><body>Not Found</body></html>');
      });
      await new Promise<void>((resolve) => html.listen(0, '127.0.0.1', resolve));
      htmlUrl = `http://127.0.0.1:${(html.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise<void>((resolve) => html.close(() => resolve())));

    it('throws an UpstreamError for an HTML 404, never null', async () => {
      const cufs = client('basic', { baseUrl: htmlUrl });
      const error = await cufs.getValue('department', 'PN').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UpstreamError);
      expect(error).toMatchObject({ system: 'CUFS', status: 404 });
      await expect(cufs.getProject('ZZAG001')).rejects.toBeInstanceOf(UpstreamError);
      await expect(cufs.getPurchaseOrder('PN100001')).rejects.toBeInstanceOf(UpstreamError);
    });

    it('throws an UpstreamError for a JSON 404 whose error is not "not_found"', async () => {
      simulator.control.addFault({
        path: '/api/v1/projects',
        status: 404,
        body: { error: 'gone' },
        times: 1,
      });
      await expect(client('basic').getProject('ZZAG001')).rejects.toMatchObject({
        name: 'UpstreamError',
        status: 404,
      });
    });

    it('readiness is not ok for an HTML 404', async () => {
      expect(await client('basic', { baseUrl: htmlUrl }).reachability()).toBe('unreachable');
    });
  });

  describe('reachability', () => {
    it('is ok when CUFS answers, refused for wrong credentials, unreachable for 5xx or no answer', async () => {
      expect(await client('basic').reachability()).toBe('ok');
      expect(await client('oauth2').reachability()).toBe('ok');
      expect(
        await client('basic', {
          auth: { kind: 'basic', username: 'x', password: 'wrong-one' },
        }).reachability(),
      ).toBe('refused');
      expect(
        await client('oauth2', {
          auth: { kind: 'oauth2', clientId: 'x', clientSecret: 'wrong-one' },
        }).reachability(),
      ).toBe('refused');
      simulator.control.addFault({ path: '/api/v1', status: 503, times: 1 });
      expect(await client('basic').reachability()).toBe('unreachable');
      simulator.hang('/api/v1', 1);
      expect(await client('basic', { timeoutMs: 100 }).reachability()).toBe('unreachable');
      const closed = new CufsClient({
        baseUrl: 'http://127.0.0.1:1',
        auth: { kind: 'basic', ...BASIC },
        timeoutMs: 200,
      });
      expect(await closed.reachability()).toBe('unreachable');
    });
  });
});
