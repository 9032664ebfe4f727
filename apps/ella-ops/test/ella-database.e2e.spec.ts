// ELLA's database end to end: the real AppModule on its own test database, a real ELLA database made by
// our fixture of ELLA's schema (seeded), read through a role that may not read `uiexception.state`, the
// ELLA API stand-in on that database, and real supervisords. Broadcasts, UI exceptions, health.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { EllaSimulator } from '../../../simulators/ella/ella.simulator.js';
import { PATIENT_STATE_MARKER } from '../../../simulators/ella/ella-demo-data.js';
import { FixedClock } from '../src/clock.js';
import { createEllaTestDatabase, type EllaTestDatabase } from './ella-database.fixture.js';
import { type EllaOpsHarness, job, operator, startEllaOps, viewer } from './ella-ops.harness.js';
import { supervisordInstalled } from './supervisord.harness.js';

const describeWith = supervisordInstalled ? describe : describe.skip;
const NOW = new Date('2026-11-26T10:00:00.000Z');
const reason = 'announcing the e2e downtime';

describeWith('ella-ops on ELLA databases', () => {
  let h: EllaOpsHarness;
  let ella: EllaTestDatabase;
  let api: EllaSimulator;
  const clock = new FixedClock(NOW);

  beforeAll(async () => {
    ella = await createEllaTestDatabase(NOW);
    api = new EllaSimulator({ databaseUrl: ella.ownerUrl, instances: { prod: undefined } });
    await api.start();
    const ellaUrl = api.instanceUrl('prod');
    h = await startEllaOps({ databaseUrl: ella.readerUrl, ellaUrl, clock });
  });
  afterAll(async () => {
    await h?.close();
    await api?.close();
    await ella?.drop();
  });

  const count = async (sql: string) =>
    (await ella.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${sql}`)).rows[0]?.n;

  describe('broadcasts', () => {
    it('keeps reads for viewers and operators and writes for operators', async () => {
      await h.t.http().get('/instances/prod/broadcasts').expect(401);
      await h.t.http().get('/instances/prod/broadcasts').set(job).expect(403);
      await h.t.http().post('/instances/prod/broadcasts').send({ message: 'hi', reason }).expect(401);
      await h.t
        .http()
        .post('/instances/prod/broadcasts')
        .set(viewer)
        .send({ message: 'hi', reason })
        .expect(403);
      await h.t
        .http()
        .post('/instances/prod/broadcasts/1/deactivate')
        .set(viewer)
        .send({ reason })
        .expect(403);
      await h.t.http().get('/instances/nope/broadcasts').set(viewer).expect(404);
    });

    it('lists the active broadcast of the demo data', async () => {
      const list = await h.t.http().get('/instances/prod/broadcasts').set(viewer).expect(200);
      expect(list.body).toEqual({
        active: [
          {
            id: 1,
            createdAt: expect.any(String),
            message: 'Welcome to ELLA (demo)',
            active: true,
            endsAt: null,
          },
        ],
        recent: [],
      });
    });

    it.each<[string, object, string]>([
      ['an empty message', { message: '', reason }, 'message'],
      ['a blank message', { message: '   ', reason }, 'message'],
      ['a message over 1000 characters', { message: 'x'.repeat(1001), reason }, 'message'],
      ['a line break', { message: 'two\nlines', reason }, 'message'],
      ['a control character', { message: 'bell\u0007', reason }, 'message'],
      ['no reason', { message: 'hello' }, 'reason'],
      ['an end that is not a time', { message: 'hello', reason, endsAt: 'tomorrow' }, 'endsAt'],
      ['an end in the past', { message: 'hello', reason, endsAt: '2026-11-26T09:00:00Z' }, 'endsAt'],
      ['an unknown field', { message: 'hello', reason, active: false }, '(body)'],
    ])('refuses %s (400 naming the field) and writes nothing', async (_case, body, field) => {
      const response = await h.t
        .http()
        .post('/instances/prod/broadcasts')
        .set(operator)
        .send(body)
        .expect(400);
      expect(response.body.problems.map((p: { field: string }) => p.field)).toContain(field);
      expect(await count('broadcast')).toBe(1);
      expect(await count('clilog')).toBe(0);
    });

    it('posts a broadcast as ella-cli would, which ELLA then serves, with its end kept and the action audited', async () => {
      const message = 'ELLA will be down for an upgrade at 18:00 (about 30 minutes) – “ø” is fine';
      const posted = await h.t
        .http()
        .post('/instances/prod/broadcasts')
        .set(operator)
        .send({ message: message, reason, endsAt: '2026-11-26T19:00:00+01:00' })
        .expect(201);
      expect(posted.body).toEqual({
        id: 2,
        createdAt: expect.any(String),
        message,
        active: true,
        endsAt: '2026-11-26T18:00:00.000Z',
      });
      const served = (await (await fetch(`${api.instanceUrl('prod')}api/v1/broadcasts/`)).json()) as {
        message: string;
      }[];
      expect(served.map((b) => b.message)).toEqual(['Welcome to ELLA (demo)', message]);
      const cli = await ella.query(
        'SELECT "user", "group", groupcommand, command, reason, output FROM clilog',
      );
      expect(cli.rows).toEqual([
        {
          user: 'ella-ops:token:operator',
          group: 'broadcast',
          groupcommand: 'new',
          command: `broadcast new ${JSON.stringify(message)}`,
          reason,
          output: 'Broadcast 2 created',
        },
      ]);
      const end = await h.t.prisma.ellaBroadcastEnd.findMany();
      expect(end).toMatchObject([
        { instance: 'prod', broadcastId: 2, endsAt: new Date('2026-11-26T18:00:00Z'), deactivatedAt: null },
      ]);
      const trail = await h.t.prisma.auditEvent.findMany({ where: { app: 'ella-ops', entityId: 'prod/2' } });
      expect(trail.map((a) => [a.action, a.actor, a.reason])).toEqual([
        ['broadcast.create', 'token:operator', reason],
      ]);
    });

    it('deactivates a broadcast once: again is 409, an unknown one 404, a bad id 400', async () => {
      const done = await h.t
        .http()
        .post('/instances/prod/broadcasts/2/deactivate')
        .set(operator)
        .send({ reason: 'upgrade finished' })
        .expect(200);
      expect(done.body).toMatchObject({ id: 2, active: false });
      const again = await h.t
        .http()
        .post('/instances/prod/broadcasts/2/deactivate')
        .set(operator)
        .send({ reason: 'upgrade finished' })
        .expect(409);
      expect(again.body.message).toBe('broadcast 2 of instance "prod" is already inactive');
      await h.t
        .http()
        .post('/instances/prod/broadcasts/99/deactivate')
        .set(operator)
        .send({ reason: 'upgrade finished' })
        .expect(404);
      const bad = await h.t
        .http()
        .post('/instances/prod/broadcasts/two/deactivate')
        .set(operator)
        .send({ reason: 'upgrade finished' })
        .expect(400);
      expect(bad.body.problems).toEqual([{ field: 'id', message: expect.any(String) }]);
      await h.t.http().post('/instances/prod/broadcasts/2/deactivate').set(operator).send({}).expect(400);
      const list = await h.t.http().get('/instances/prod/broadcasts?recent=5').set(viewer).expect(200);
      expect(list.body.active.map((b: { id: number }) => b.id)).toEqual([1]);
      expect(list.body.recent.map((b: { id: number }) => b.id)).toEqual([2]);
      await h.t.http().get('/instances/prod/broadcasts?recent=500').set(viewer).expect(400);
      expect((await h.t.prisma.ellaBroadcastEnd.findFirst())?.deactivatedAt).not.toBeNull();
      const trail = await h.t.prisma.auditEvent.findMany({
        where: { app: 'ella-ops', entityId: 'prod/2' },
        orderBy: { id: 'asc' },
      });
      expect(trail.map((a) => [a.action, a.reason])).toEqual([
        ['broadcast.create', reason],
        ['broadcast.deactivate', 'upgrade finished'],
      ]);
    });

    it('answers 502 naming the instance when its database does not answer', async () => {
      const down = await h.t.http().get('/instances/offline/broadcasts').set(viewer).expect(502);
      expect(down.body.message).toMatch(/^the ELLA database of instance "offline" failed: /);
      await h.t
        .http()
        .post('/instances/offline/broadcasts')
        .set(operator)
        .send({ message: 'hello', reason })
        .expect(502);
    });
  });

  describe('UI exceptions', () => {
    it('lists them newest first with the user, grouped by message, never the state', async () => {
      const response = await h.t.http().get('/instances/prod/ui-exceptions').set(viewer).expect(200);
      expect(response.text).not.toContain(PATIENT_STATE_MARKER);
      expect(response.body.exceptions.map((e: { location: string }) => e.location)).toEqual([
        '/overview',
        '/analyses/7',
        '/analyses/9',
        '/analyses/7',
      ]);
      expect(response.body.exceptions[0]).toEqual({
        id: 4,
        time: '2026-11-26T09:58:00.000Z',
        message: 'NetworkError: the request timed out',
        location: '/overview',
        user: null,
      });
      expect(response.body.exceptions[1].user).toEqual({ username: 'anna.analyst', name: 'Anna Analyst' });
      expect(response.body.groups).toEqual([
        {
          message: 'NetworkError: the request timed out',
          count: 1,
          firstSeen: '2026-11-26T09:58:00.000Z',
          lastSeen: '2026-11-26T09:58:00.000Z',
          users: 0,
        },
        {
          message: 'TypeError: cannot read properties of undefined (reading "alleles")',
          count: 3,
          firstSeen: '2026-11-26T09:10:00.000Z',
          lastSeen: '2026-11-26T09:55:00.000Z',
          users: 2,
        },
      ]);
      expect(Object.keys(response.body.exceptions[1])).not.toContain('stacktrace');
    });

    it('gives the stack trace only on request, still never the state', async () => {
      const response = await h.t
        .http()
        .get('/instances/prod/ui-exceptions?stack=true&limit=1')
        .set(viewer)
        .expect(200);
      expect(response.body.exceptions).toHaveLength(1);
      expect(response.body.exceptions[0].stacktrace).toContain('at render (app.js:1:100)');
      expect(response.text).not.toContain(PATIENT_STATE_MARKER);
    });

    it('filters by time', async () => {
      const response = await h.t
        .http()
        .get('/instances/prod/ui-exceptions?from=2026-11-26T09:30:00Z&to=2026-11-26T09:57:00Z')
        .set(viewer)
        .expect(200);
      expect(response.body.exceptions.map((e: { id: number }) => e.id)).toEqual([3, 2]);
      expect(response.body.groups).toEqual([
        expect.objectContaining({
          count: 2,
          firstSeen: '2026-11-26T09:40:00.000Z',
          lastSeen: '2026-11-26T09:55:00.000Z',
        }),
      ]);
    });

    it('reads through a role that cannot read the state column at all', async () => {
      const pg = (await import('pg')).default;
      const client = new pg.Client({ connectionString: ella.readerUrl });
      await client.connect();
      try {
        await expect(client.query('SELECT state FROM uiexception')).rejects.toThrow(/permission denied/);
      } finally {
        await client.end();
      }
    });

    it.each([
      ['from after to', '?from=2026-11-26T10:00:00Z&to=2026-11-26T09:00:00Z', 'from'],
      ['a bad time', '?from=yesterday', 'from'],
      ['limit 0', '?limit=0', 'limit'],
      ['stack=yes', '?stack=yes', 'stack'],
      ['an unknown parameter', '?state=true', '(query)'],
    ])('refuses %s (400)', async (_case, query, field) => {
      const response = await h.t.http().get(`/instances/prod/ui-exceptions${query}`).set(viewer).expect(400);
      expect(response.body.problems.map((p: { field: string }) => p.field)).toContain(field);
    });

    it('is for viewers and operators only', async () => {
      await h.t.http().get('/instances/prod/ui-exceptions').expect(401);
      await h.t.http().get('/instances/prod/ui-exceptions').set(job).expect(403);
      await h.t.http().get('/instances/prod/ui-exceptions').set(operator).expect(200);
    });
  });

  describe('health', () => {
    /** percentile_disc: the first value whose cumulative share reaches p. */
    const percentile = (sorted: number[], p: number) => sorted[Math.ceil(p * sorted.length) - 1];

    it('reports the window from resourcelog, the programs, the database and the API', async () => {
      const response = await h.t.http().get('/instances/prod/health?window=15m').set(viewer).expect(200);
      // The seed: row i (1..400) at NOW - i * 4.5 s; a 15-minute window holds i = 1..200.
      const durations = Array.from({ length: 200 }, (_, k) => k + 1)
        .map((i) => (i % 50 === 0 ? 1000 : 10 + (i % 10) * 10))
        .sort((a, b) => a - b);
      expect(response.body).toMatchObject({
        instance: 'prod',
        window: { minutes: 15, from: '2026-11-26T09:45:00.000Z', to: '2026-11-26T10:00:00.000Z' },
        requests: {
          requests: 200,
          errors5xx: 10,
          errorRate: 0.05,
          p50Ms: percentile(durations, 0.5),
          p95Ms: percentile(durations, 0.95),
          p99Ms: percentile(durations, 0.99),
        },
        processes: { ok: true, supervisor: 'RUNNING' },
        database: { ok: true, ms: expect.any(Number) },
        api: { ok: true, status: 200, ms: expect.any(Number) },
      });
      expect(response.body.requests.slowest[0]).toEqual({
        method: 'GET',
        resource: '/api/v1/workflows/analyses/7/actions/finalize/',
        requests: 3,
        p95Ms: 1000,
        maxMs: 1000,
      });
      expect(response.body.processes.programs).toEqual(
        expect.arrayContaining([{ name: 'api', state: 'RUNNING' }]),
      );
    });

    it('uses HEALTH_WINDOW_MINUTES without a window, and hours', async () => {
      const byDefault = await h.t.http().get('/instances/prod/health').set(viewer).expect(200);
      expect(byDefault.body.window.minutes).toBe(15);
      const hour = await h.t.http().get('/instances/prod/health?window=1h').set(viewer).expect(200);
      expect(hour.body.requests.requests).toBe(400);
    });

    it('says what does not answer on an instance that is down, without failing', async () => {
      const response = await h.t.http().get('/instances/offline/health').set(viewer).expect(200);
      expect(response.body).toMatchObject({
        requests: null,
        processes: {
          ok: false,
          error: 'supervisord of instance "offline" is unreachable: connection refused',
        },
        database: { ok: false },
        api: { ok: false },
      });
    });

    /** The `api` part when ELLA's API answered `status`. */
    const apiAnswered = (status: number) => ({
      ok: false,
      ms: expect.any(Number),
      status,
      error: `HTTP ${status}`,
    });

    it('reports an API that answers 500, with the status, asking it once', async () => {
      api.reset();
      api.control.addFault({ path: '/prod/api/v1/broadcasts/', status: 500, times: 1 });
      const response = await h.t.http().get('/instances/prod/health').set(viewer).expect(200);
      expect(response.body.api).toEqual(apiAnswered(500));
      expect(api.control.callCount({ method: 'GET', path: '/prod/api/v1/broadcasts/' })).toBe(1);
    });

    it("follows faults and latency set on the ELLA simulator's /_sim routes", async () => {
      const sim = (route: string, body?: object) =>
        fetch(`${api.url}/_sim/${route}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
      expect((await sim('reset')).status).toBe(204);
      const fault = { path: '/prod/api/v1/broadcasts/', status: 503, times: 1, retryAfterSeconds: 1 };
      expect((await sim('faults', fault)).status).toBe(204);
      const unavailable = await h.t.http().get('/instances/prod/health').set(viewer).expect(200);
      expect(unavailable.body.api).toEqual(apiAnswered(503));

      expect((await sim('latency', { ms: 150 })).status).toBe(204);
      const slow = await h.t.http().get('/instances/prod/health').set(viewer).expect(200);
      expect(slow.body.api).toEqual({ ok: true, ms: expect.any(Number), status: 200 });
      expect(slow.body.api.ms).toBeGreaterThanOrEqual(140);

      const calls = (await (await fetch(`${api.url}/_sim/calls`)).json()) as {
        calls: { method: string; path: string; status: number }[];
      };
      expect(calls.calls).toEqual([
        { method: 'GET', path: '/prod/api/v1/broadcasts/', status: 503 },
        { method: 'GET', path: '/prod/api/v1/broadcasts/', status: 200 },
      ]);
      const bad = await sim('faults', { path: 'api', status: 503 });
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as { error: string }).error).toContain('path');
      expect((await sim('reset')).status).toBe(204);
      expect(api.control.latencyMs).toBe(0);
    });

    it.each(['0m', '25h', 'soon', '15'])('refuses window=%s (400)', async (window) => {
      const response = await h.t
        .http()
        .get(`/instances/prod/health?window=${window}`)
        .set(viewer)
        .expect(400);
      expect(response.body.problems.map((p: { field: string }) => p.field)).toEqual(['window']);
    });

    it('is for viewers and operators only', async () => {
      await h.t.http().get('/instances/prod/health').expect(401);
      await h.t.http().get('/instances/prod/health').set(job).expect(403);
    });
  });
});
