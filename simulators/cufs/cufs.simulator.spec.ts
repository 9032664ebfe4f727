import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { SeedError } from '../common/simulator.js';
import { startSimulatorMain } from '../common/simulator-main.js';
import { CufsSimulator } from './cufs.simulator.js';
import { demoCufsData } from './demo-data.js';

const BASIC = { username: 'cufs-user', password: 'cufs-password-0123' };
const OAUTH = { clientId: 'cufs-client', clientSecret: 'cufs-secret-0123', tokenLifetimeSeconds: 60 };
const basic = `Basic ${Buffer.from(`${BASIC.username}:${BASIC.password}`).toString('base64')}`;

describe('CUFS simulator', () => {
  let clock = 1_000_000;
  const simulator = new CufsSimulator({ basic: BASIC, oauth2: OAUTH, now: () => clock });

  beforeAll(async () => {
    await simulator.start();
  });
  afterAll(() => simulator.close());
  beforeEach(() => {
    simulator.reset();
    simulator.seed(demoCufsData());
  });

  const get = (path: string, authorization = basic) =>
    fetch(`${simulator.url}${path}`, { headers: { Authorization: authorization } });

  it('serves values, projects and purchase orders of the model, 404 for the unknown', async () => {
    const value = await get('/api/v1/value-sets/cost-centre/values/PNLI');
    expect(value.status).toBe(200);
    expect(await value.json()).toEqual({
      set: 'cost-centre',
      value: 'PNLI',
      description: 'Physics: Research Computing',
      enabled: true,
      startDate: '2000-01-01',
      endDate: null,
      parent: 'PN',
    });
    expect((await get('/api/v1/value-sets/department/values/QQ')).status).toBe(404);
    expect(await (await get('/api/v1/value-sets/colour/values/PN')).json()).toMatchObject({
      error: 'not_found',
    });
    expect(await (await get('/api/v1/projects/ZZAG001')).json()).toMatchObject({ status: 'ACTIVE' });
    expect(await (await get('/api/v1/purchase-orders/PN100002')).json()).toMatchObject({ status: 'OPEN' });
    expect((await get('/api/v1/purchase-orders/PN999999')).status).toBe(404);
  });

  it('wants credentials: Basic, or a token that expires', async () => {
    expect((await get('/api/v1/projects/ZZAG001', 'Basic bm86bm8=')).status).toBe(401);
    const issued = await fetch(simulator.tokenUrl, {
      method: 'POST',
      headers: {
        Authorization: `Basic ${Buffer.from(`${OAUTH.clientId}:${OAUTH.clientSecret}`).toString('base64')}`,
        'Content-Type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=client_credentials',
    });
    const token = (await issued.json()) as { access_token: string; expires_in: number; token_type: string };
    expect(token).toMatchObject({ token_type: 'Bearer', expires_in: 60 });
    expect((await get('/api/v1/projects/ZZAG001', `Bearer ${token.access_token}`)).status).toBe(200);
    clock += 60_000;
    expect((await get('/api/v1/projects/ZZAG001', `Bearer ${token.access_token}`)).status).toBe(401);
    const refused = await fetch(simulator.tokenUrl, {
      method: 'POST',
      headers: { Authorization: basic, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
    });
    expect(refused.status).toBe(401);
  });

  it('applies faults and forgets a hang on reset', async () => {
    simulator.control.addFault({ path: '/api/v1/projects', status: 503, times: 1, retryAfterSeconds: 2 });
    const faulted = await get('/api/v1/projects/ZZAG001');
    expect([faulted.status, faulted.headers.get('retry-after')]).toEqual([503, '2']);
    simulator.hang('/api/v1/projects');
    const hung = get('/api/v1/projects/ZZAG001').catch((error: unknown) => error);
    while (simulator.heldCalls === 0) await new Promise((resolve) => setImmediate(resolve));
    simulator.reset(); // drops the held call
    expect(await hung).toHaveProperty('message', 'fetch failed');
    expect((await get('/api/v1/projects/ZZAG001')).status).toBe(200);
  });

  it('checks seed JSON and names the bad field', () => {
    expect(simulator.parseSeed(JSON.parse(JSON.stringify(demoCufsData())))).toEqual(demoCufsData());
    expect(() =>
      simulator.parseSeed({ values: [{ set: 'colour' }], projects: [], purchaseOrders: [] }),
    ).toThrow(SeedError);
    expect(() =>
      simulator.parseSeed({ values: [], projects: [], purchaseOrders: [{ number: 'pn1' }] }),
    ).toThrow(/purchaseOrders\[0\]\.number/);
  });

  it('runs on its own with demo data and OAuth2 from the environment', async () => {
    const { simulator: standalone, line } = await startSimulatorMain(
      {
        create: () => new CufsSimulator({ oauth2: OAUTH }),
        demoSeed: () => demoCufsData(),
      },
      ['--port', '0'],
      {},
    );
    try {
      expect(line).toMatchObject({ simulator: 'cufs', url: standalone.url });
      expect((await fetch(`${standalone.url}/api/v1/projects/ZZAG001`)).status).toBe(401);
    } finally {
      await standalone.close();
    }
  });
});
