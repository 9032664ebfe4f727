import { inspect } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { UpstreamError } from '@app/http';
import { LookupSimulator } from '../../../../simulators/lookup/lookup.simulator.js';
import { LookupClient, type LookupClientOptions, maxBatchSizeForUrl } from './lookup.client.js';

const BASIC = { username: 'gitlab-sync', password: 'basic-secret-for-tests' };
const OAUTH = { clientId: 'sync-client', clientSecret: 'oauth-secret-for-tests', tokenLifetimeSeconds: 3600 };
const PEOPLE = [
  { crsid: 'ab123', cancelled: false, displayName: 'Ann Brown' },
  { crsid: 'cd45', cancelled: true, displayName: 'Carl Dee' },
  { crsid: 'ef6', cancelled: false },
  { crsid: 'gh7', cancelled: true },
  { crsid: 'ij8', cancelled: false },
];

describe('LookupClient against the Lookup simulator', () => {
  let clock = Date.parse('2026-06-01T00:00:00Z');
  const now = () => clock;
  const simulator = new LookupSimulator({ basic: BASIC, oauth2: OAUTH, now });

  const basicClient = (overrides: Partial<LookupClientOptions> = {}) =>
    new LookupClient({
      baseUrl: simulator.apiUrl,
      auth: { kind: 'basic', ...BASIC },
      batchSize: 100,
      maxAttempts: 3,
      baseDelayMs: 1,
      ...overrides,
    });
  const oauthClient = (overrides: Partial<LookupClientOptions> = {}) =>
    new LookupClient({
      baseUrl: simulator.apiUrl,
      auth: {
        kind: 'oauth2',
        tokenUrl: simulator.tokenUrl,
        clientId: OAUTH.clientId,
        clientSecret: OAUTH.clientSecret,
      },
      batchSize: 100,
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
    simulator.control.reset();
    simulator.seed(PEOPLE);
    simulator.revokeTokens();
    simulator.tokensIssued = 0;
  });

  describe('with HTTP Basic', () => {
    it('returns the people Lookup knows, cancelled or not, and leaves unknown CRSids out', async () => {
      const lookup = basicClient();
      const people = await lookup.getPeople(['ab123', 'cd45', 'zz99', 'ef6']);
      expect([...people.values()].sort((a, b) => a.crsid.localeCompare(b.crsid))).toEqual([
        { crsid: 'ab123', cancelled: false, displayName: 'Ann Brown' },
        { crsid: 'cd45', cancelled: true, displayName: 'Carl Dee' },
        { crsid: 'ef6', cancelled: false, displayName: 'EF6' },
      ]);
      expect(people.has('zz99')).toBe(false);
      expect(lookup.calls).toBe(1);
    });

    it('makes no call for no CRSids', async () => {
      const lookup = basicClient();
      expect((await lookup.getPeople([])).size).toBe(0);
      expect(lookup.calls).toBe(0);
    });

    it('splits more CRSids than a batch into batches', async () => {
      const lookup = basicClient({ batchSize: 2 });
      const people = await lookup.getPeople(PEOPLE.map((p) => p.crsid));
      expect(people.size).toBe(5);
      expect(lookup.calls).toBe(3);
    });

    it('throws on wrong credentials without putting them in the error', async () => {
      const lookup = basicClient({
        auth: { kind: 'basic', username: 'gitlab-sync', password: 'wrong-password-xyz' },
      });
      const error = await lookup.getPeople(['ab123']).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UpstreamError);
      expect(error).toMatchObject({ system: 'Lookup', status: 401 });
      const text = inspect(error, { depth: 20, showHidden: true });
      expect(text).not.toContain('wrong-password-xyz');
      expect(text).not.toContain(Buffer.from('gitlab-sync:wrong-password-xyz').toString('base64'));
    });

    it('reports each retry without the URL, which lists CRSids', async () => {
      simulator.control.addFault({ path: '/api/v1/person/list', status: 503, times: 1 });
      const retries: unknown[] = [];
      const lookup = basicClient({ onRetry: (info) => retries.push(info) });
      await lookup.getPeople(['ab123']);
      expect(retries).toEqual([{ attempt: 1, delayMs: expect.any(Number), status: 503, method: 'get' }]);
      expect(JSON.stringify(retries)).not.toContain('ab123');
    });

    it('throws when Lookup keeps failing, after the retries', async () => {
      simulator.control.addFault({ path: '/api/v1/person/list', status: 503 });
      const lookup = basicClient();
      await expect(lookup.getPeople(['ab123'])).rejects.toMatchObject({ name: 'UpstreamError', status: 503 });
      expect(lookup.calls).toBe(3);
    });

    it('throws on an error envelope and on an unexpected body', async () => {
      simulator.control.addFault({
        path: '/api/v1/person/list',
        status: 200,
        times: 1,
        body: { result: { error: { status: 500, code: 'InternalError', message: 'boom' } } },
      });
      await expect(basicClient().getPeople(['ab123'])).rejects.toThrow(/InternalError/);
      simulator.control.addFault({
        path: '/api/v1/person/list',
        status: 200,
        times: 1,
        body: { people: [] },
      });
      await expect(basicClient().getPeople(['ab123'])).rejects.toBeInstanceOf(UpstreamError);
    });

    it('refuses values that are not CRSids instead of putting them in the URL', async () => {
      const lookup = basicClient();
      await expect(lookup.getPeople(['ab123', 'x&fetch=all'])).rejects.toBeInstanceOf(RangeError);
      expect(lookup.calls).toBe(0);
    });
  });

  describe('with OAuth2 client credentials', () => {
    it('fetches one token for many batches', async () => {
      const lookup = oauthClient({ batchSize: 2 });
      const people = await lookup.getPeople(PEOPLE.map((p) => p.crsid));
      expect(people.size).toBe(5);
      await lookup.getPeople(['ab123']);
      expect(lookup.calls).toBe(4);
      expect(lookup.tokenCalls).toBe(1);
      expect(simulator.tokensIssued).toBe(1);
    });

    it('shares one token request between concurrent calls', async () => {
      const lookup = oauthClient();
      await Promise.all([lookup.getPeople(['ab123']), lookup.getPeople(['cd45']), lookup.getPeople(['ef6'])]);
      expect(lookup.tokenCalls).toBe(1);
      expect(lookup.calls).toBe(3);
    });

    it('fetches a new token shortly before the old one expires, without a 401', async () => {
      const lookup = oauthClient();
      await lookup.getPeople(['ab123']);
      clock += 3540_000 - 1; // just inside the 60 s renewal margin of a 3600 s token
      await lookup.getPeople(['ab123']);
      expect(lookup.tokenCalls).toBe(1);
      clock += 2;
      await lookup.getPeople(['ab123']);
      expect(lookup.tokenCalls).toBe(2);
      expect(simulator.control.calls.filter((c) => c.status === 401)).toHaveLength(0);
    });

    it('fetches a new token once when a request gets 401, then succeeds', async () => {
      const lookup = oauthClient();
      await lookup.getPeople(['ab123']);
      simulator.revokeTokens();
      const people = await lookup.getPeople(['cd45']);
      expect(people.get('cd45')?.cancelled).toBe(true);
      expect(lookup.tokenCalls).toBe(2);
      expect(lookup.calls).toBe(3);
    });

    it('gives up when a fresh token is refused too', async () => {
      simulator.control.addFault({ path: '/api/v1/person/list', status: 401 });
      const lookup = oauthClient();
      await expect(lookup.getPeople(['ab123'])).rejects.toMatchObject({ status: 401 });
      expect(lookup.tokenCalls).toBe(2);
      expect(lookup.calls).toBe(2);
    });

    it('throws when the token endpoint refuses the client, without leaking the secret', async () => {
      const lookup = oauthClient({
        auth: {
          kind: 'oauth2',
          tokenUrl: simulator.tokenUrl,
          clientId: OAUTH.clientId,
          clientSecret: 'not-the-secret-1',
        },
      });
      const error = await lookup.getPeople(['ab123']).catch((e: unknown) => e);
      expect(error).toMatchObject({ name: 'UpstreamError', status: 401 });
      expect(inspect(error, { depth: 20, showHidden: true })).not.toContain('not-the-secret-1');
      expect(lookup.calls).toBe(0);
    });

    it('accepts expires_in sent as a string', async () => {
      const lookup = oauthClient();
      simulator.control.addFault({
        method: 'POST',
        path: '/oauth2/token',
        status: 200,
        times: 1,
        body: {
          access_token: 'gateway-style-token',
          token_type: 'Bearer',
          expires_in: '3599',
        },
      });
      // The injected token is unknown to the simulator: one 401, then a real token.
      await lookup.getPeople(['ab123']);
      expect(lookup.tokenCalls).toBe(2);
    });
  });

  describe('batch size and the URL length limit', () => {
    it('clamps the batch size so that the URL stays under the limit', () => {
      const limit = maxBatchSizeForUrl(simulator.apiUrl, 2000, 8);
      const url = (n: number) =>
        `${simulator.apiUrl}/person/list?crsids=${Array(n).fill('abcd1234').join(',')}`;
      expect(url(limit).length).toBeLessThanOrEqual(2000);
      expect(url(limit + 1).length).toBeGreaterThan(2000);
      const lookup = basicClient({ batchSize: 10_000 });
      expect(lookup.batchSize).toBe(limit);
      expect(basicClient({ batchSize: 50 }).batchSize).toBe(50);
    });

    it('sends full clamped batches of 8-character CRSids to a Lookup limited to 2000 characters', async () => {
      const strict = new LookupSimulator({ basic: BASIC, maxUrlLength: 2000 });
      await strict.start();
      try {
        const crsids = Array.from({ length: 1000 }, (_, i) => `abcd${String(i).padStart(4, '0')}`);
        strict.seed(crsids.map((crsid) => ({ crsid, cancelled: false })));
        const lookup = new LookupClient({
          baseUrl: strict.apiUrl,
          auth: { kind: 'basic', ...BASIC },
          batchSize: 10_000,
        });
        const people = await lookup.getPeople(crsids);
        expect(people.size).toBe(1000);
        expect(lookup.calls).toBe(Math.ceil(1000 / lookup.batchSize));
        expect(strict.control.calls.filter((c) => c.status === 414)).toHaveLength(0);
      } finally {
        await strict.close();
      }
    });

    it('fails whole when the URL is too long for Lookup (414)', async () => {
      const lookup = basicClient({ batchSize: 1000, maxUrlLength: 100_000 });
      const crsids = Array.from({ length: 1000 }, (_, i) => `ab${i}`);
      await expect(lookup.getPeople(crsids)).rejects.toMatchObject({ name: 'UpstreamError', status: 414 });
    });

    it.each([
      ['https://www.lookup.cam.ac.uk/api/v1', 2000, 8],
      ['https://api.apps.cam.ac.uk/lookup/v1/', 2000, 8],
      ['http://127.0.0.1:1/api/v1', 500, 7],
    ])(
      'maxBatchSizeForUrl(%s, %i, %i) is the largest batch that fits',
      (baseUrl, maxUrlLength, maxCrsidLength) => {
        const n = maxBatchSizeForUrl(baseUrl, maxUrlLength, maxCrsidLength);
        const length = (count: number) =>
          `${baseUrl.replace(/\/$/, '')}/person/list?crsids=`.length + count * maxCrsidLength + count - 1;
        expect(n).toBeGreaterThan(0);
        expect(length(n)).toBeLessThanOrEqual(maxUrlLength);
        expect(length(n + 1)).toBeGreaterThan(maxUrlLength);
      },
    );
  });
});
