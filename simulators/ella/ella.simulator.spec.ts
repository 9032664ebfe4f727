// The ELLA simulator on the platform's Simulator base: ELLA's API read from a real ELLA database (our
// fixture of ELLA's schema), `/<instance>/RPC2` passed to a real supervisord, and what the base brings
// (seed, reset, latency, faults, the call log, `/_sim`, a control token, the standalone main), driven
// through ella-ops's own supervisord client.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { adminQuery, withDatabaseName } from '@app/db';
import { SupervisorClient } from '../../apps/ella-ops/src/supervisor/supervisor.client.js';
import { findCommand } from '../../scripts/system-peers.mjs';
import { startSimulatorMain } from '../common/simulator-main.js';
import { ellaMain } from './ella-main.js';
import { EllaSimulator } from './ella.simulator.js';
import { ELLA_SCHEMA_SQL } from './ella-schema.js';
import { type RunningSupervisord, spawnSupervisord } from './supervisord.js';

const describeWith = findCommand('supervisord') !== undefined ? describe : describe.skip;
const AT = '2026-11-26T10:00:00.000Z';
const USERNAME = 'ella-ops';
const PASSWORD = `pw-${randomBytes(8).toString('hex')}`;
// The test PostgreSQL server libs/db's Jest setup found, as createTestDatabase uses.
const adminUrl = process.env.USP_TEST_ADMIN_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

/** Polls `check` until it holds (the condition is what the test waits for, not a time). */
async function waitFor(what: string, check: () => Promise<boolean>, limitMs = 15_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const clientOf = (
  url: string,
  instance: string,
  options: { timeoutMs?: number; readAttempts?: number } = {},
) =>
  new SupervisorClient({
    instance,
    url: `${url}/${instance}/RPC2`,
    username: USERNAME,
    password: PASSWORD,
    timeoutMs: options.timeoutMs ?? 5000,
    readAttempts: options.readAttempts ?? 2,
  });

describeWith('EllaSimulator', () => {
  const database = `usp_ellasim_${process.env.USP_TEST_RUN_ID ?? 'x'}_${randomBytes(4).toString('hex')}`;
  let pool: pg.Pool;
  let supervisord: RunningSupervisord;
  let sim: EllaSimulator;

  const count = async (table: string) =>
    (await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0]?.n;
  const post = (route: string, body?: unknown, headers: Record<string, string> = {}) =>
    fetch(`${sim.url}${route}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  beforeAll(async () => {
    await adminQuery(adminUrl, `CREATE DATABASE "${database}"`);
    pool = new pg.Pool({ connectionString: withDatabaseName(adminUrl, database), max: 2 });
    await pool.query(ELLA_SCHEMA_SQL);
    supervisord = await spawnSupervisord({ autostart: true, username: USERNAME, password: PASSWORD });
    sim = new EllaSimulator({
      databaseUrl: withDatabaseName(adminUrl, database),
      instances: { prod: supervisord, bare: undefined },
    });
    await sim.seed({ at: AT, requests: 40 });
    await sim.start();
    const client = clientOf(sim.url, 'prod');
    await waitFor('supervisord to run the stand-ins', async () =>
      (await client.getAllProcessInfo()).some((p) => p.name === 'api' && p.statename === 'RUNNING'),
    );
  });
  afterAll(async () => {
    await sim?.close();
    await supervisord?.close();
    await pool?.end();
    await adminQuery(adminUrl, `DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
  });

  describe('seed', () => {
    it('writes the demo rows relative to the seed time, replacing what was there', async () => {
      expect(await count('resourcelog')).toBe(40);
      const [broadcast] = (await (await fetch(`${sim.instanceUrl('prod')}api/v1/broadcasts/`)).json()) as {
        id: number;
        date: string;
        message: string;
      }[];
      expect(broadcast).toEqual({
        id: 1,
        date: '2026-11-25T10:00:00.000Z',
        message: 'Welcome to ELLA (demo)',
      });
      await sim.seed({ at: AT, requests: 5 });
      expect(await count('resourcelog')).toBe(5);
      expect(await count('broadcast')).toBe(1);
      expect(await count('"user"')).toBe(2);
    });

    it('takes a seed over POST /_sim/seed, and refuses a bad one naming the field', async () => {
      expect((await post('/_sim/seed', { requests: 12, at: AT })).status).toBe(204);
      expect(await count('resourcelog')).toBe(12);
      for (const [body, field] of [
        [{ requests: -1 }, 'requests'],
        [{ requests: 3, at: 'yesterday' }, 'at'],
        [{ requests: 3, extra: true }, '(top level)'],
      ] as const) {
        const refused = await post('/_sim/seed', body);
        expect(refused.status).toBe(400);
        expect(((await refused.json()) as { error: string }).error).toMatch(
          new RegExp(`^ELLA simulator seed is not valid: .*${field.replace(/[()]/g, '\\$&')}`),
        );
      }
      expect(await count('resourcelog')).toBe(12);
      expect(sim.parseSeed({})).toEqual({ requests: 400 });
    });
  });

  describe('instances', () => {
    it("serves each instance's API and passes its RPC2 to its supervisord; 404 for an unknown one", async () => {
      expect((await clientOf(sim.url, 'prod').getState()).statename).toBe('RUNNING');
      expect((await fetch(`${sim.url}/nope/api/v1/broadcasts/`)).status).toBe(404);
      expect((await post('/nope/RPC2', {})).status).toBe(404);
      await expect(clientOf(sim.url, 'nope', { readAttempts: 1 }).getState()).rejects.toThrow(
        'supervisord of instance "nope" is unreachable: it answered HTTP 404',
      );
    });

    it('answers 503 saying how to install supervisord for an instance without one', async () => {
      const answer = await fetch(`${sim.url}/bare/RPC2`, { method: 'POST', body: '<x/>' });
      expect(answer.status).toBe(503);
      expect(await answer.text()).toContain('apt-get install');
    });

    it("keeps the caller's credentials: wrong ones are refused by supervisord (401)", async () => {
      const wrong = new SupervisorClient({
        instance: 'prod',
        url: `${sim.url}/prod/RPC2`,
        username: USERNAME,
        password: 'not-the-password',
        timeoutMs: 5000,
      });
      await expect(wrong.getState()).rejects.toThrow('it refused the credentials (HTTP 401)');
    });
  });

  describe('faults, latency and the call log', () => {
    it('fails the next RPC2 calls as told: a read is asked again, an action is not', async () => {
      sim.reset();
      const client = clientOf(sim.url, 'prod');
      sim.control.addFault({
        method: 'POST',
        path: '/prod/RPC2',
        status: 503,
        times: 1,
        retryAfterSeconds: 0,
      });
      expect((await client.getProcessInfo('api')).statename).toBe('RUNNING');
      expect(client.calls).toBe(2);
      sim.control.addFault({ method: 'POST', path: '/prod/RPC2', status: 503, times: 1 });
      await expect(client.stopProcess('api')).rejects.toThrow('it answered HTTP 503');
      expect(client.calls).toBe(3);
      expect((await client.getProcessInfo('api')).statename).toBe('RUNNING');
      expect(sim.control.calls.map((c) => c.status)).toEqual([503, 200, 503, 200]);
      expect(sim.control.callCount({ method: 'POST', path: '/prod/RPC2' })).toBe(4);
    });

    it('delays every call by the latency set over /_sim, which a client with a shorter limit sees as a hang', async () => {
      expect((await post('/_sim/latency', { ms: 400 })).status).toBe(204);
      const impatient = clientOf(sim.url, 'prod', { timeoutMs: 100, readAttempts: 1 });
      await expect(impatient.getState()).rejects.toThrow('no answer within 100 ms');
      const started = performance.now();
      expect((await clientOf(sim.url, 'prod').getState()).statename).toBe('RUNNING');
      expect(performance.now() - started).toBeGreaterThanOrEqual(390);
      expect((await post('/_sim/latency', { ms: 1_000_000 })).status).toBe(400);
      expect((await post('/_sim/reset')).status).toBe(204);
      expect(sim.control.latencyMs).toBe(0);
      const calls = (await (await fetch(`${sim.url}/_sim/calls`)).json()) as {
        simulator: string;
        count: number;
      };
      expect(calls).toMatchObject({ simulator: 'ella', count: 0 });
    });

    it('guards /_sim with a control token when given one', async () => {
      const guarded = new EllaSimulator({
        databaseUrl: withDatabaseName(adminUrl, database),
        instances: { prod: supervisord },
        controlToken: 'ella-control-token',
      });
      await guarded.start();
      try {
        expect((await fetch(`${guarded.url}/_sim/calls`)).status).toBe(401);
        const allowed = await fetch(`${guarded.url}/_sim/calls`, {
          headers: { authorization: 'Bearer ella-control-token' },
        });
        expect(allowed.status).toBe(200);
        expect((await fetch(`${guarded.instanceUrl('prod')}api/v1/broadcasts/`)).status).toBe(200);
      } finally {
        await guarded.close();
      }
    });
  });
});

describeWith('the standalone ELLA simulator (main)', () => {
  const database = `usp_ellamain_${process.env.USP_TEST_RUN_ID ?? 'x'}_${randomBytes(4).toString('hex')}`;
  let folder: string;

  beforeAll(async () => {
    folder = await mkdtemp(path.join(tmpdir(), 'ella-sim-'));
    await adminQuery(adminUrl, `CREATE DATABASE "${database}"`);
  });
  afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
    await adminQuery(adminUrl, `DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
  });

  it('refuses to start without a long enough supervisord password', async () => {
    await expect(startSimulatorMain(ellaMain, [], { ELLA_SUPERVISOR_PASSWORD: 'short' })).rejects.toThrow(
      'ELLA_SUPERVISOR_PASSWORD (at least 16 characters) is required',
    );
    await expect(startSimulatorMain(ellaMain, ['--port', 'x'], {})).rejects.toThrow('--port');
  });

  // On a database of the test's own (ELLA_DATABASE_URL): the embedded one `npm start` uses takes
  // half a minute to start on a busy machine.
  it('serves the demo instances, their database and API on one port, seeded from --seed', async () => {
    const seedFile = path.join(folder, 'seed.json');
    await writeFile(seedFile, JSON.stringify({ requests: 7, at: AT }));
    const { simulator, line } = await startSimulatorMain(ellaMain, ['--port', '0', '--seed', seedFile], {
      ELLA_SUPERVISOR_PASSWORD: PASSWORD,
      ELLA_DATABASE_URL: withDatabaseName(adminUrl, database),
    });
    try {
      expect(line).toEqual({
        simulator: 'ella',
        url: simulator.url,
        database: `postgresql://postgres@127.0.0.1:${simulator.port}/${database}`,
        instances: ['demo', 'demo-dr'],
        supervisord: true,
      });
      const db = new pg.Client({ connectionString: line['database'] as string });
      await db.connect();
      try {
        const rows = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM resourcelog');
        expect(rows.rows[0]?.n).toBe(7);
      } finally {
        await db.end();
      }
      const broadcasts = await fetch(`${simulator.instanceUrl('demo-dr')}api/v1/broadcasts/`);
      expect(((await broadcasts.json()) as { message: string }[]).map((b) => b.message)).toEqual([
        'Welcome to ELLA (demo)',
      ]);
      const primary = clientOf(simulator.url, 'demo');
      const failover = clientOf(simulator.url, 'demo-dr');
      await waitFor('the demo instances to settle', async () => {
        const [running, stopped] = await Promise.all([
          primary.getAllProcessInfo(),
          failover.getAllProcessInfo(),
        ]);
        return (
          running.some((p) => p.name === 'api' && p.statename === 'RUNNING') &&
          stopped.every((p) => p.statename !== 'RUNNING')
        );
      });
    } finally {
      await simulator.close();
    }
    // Closing stopped the supervisords and the port too.
    await expect(fetch(`${line['url'] as string}/_sim/calls`)).rejects.toThrow();
    for (const supervisor of Object.values(simulator.options.instances))
      await expect(fetch(supervisor?.url ?? 'http://127.0.0.1:1/', { method: 'POST' })).rejects.toThrow();
  });
});
