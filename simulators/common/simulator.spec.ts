import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { Express } from 'express';
import { createServer } from 'node:net';
import request from 'supertest';
import { z } from 'zod';
import { GitLabSimulator } from '../gitlab/gitlab.simulator.js';
import { LookupSimulator } from '../lookup/lookup.simulator.js';
import { SheetsSimulator } from '../sheets/sheets.simulator.js';
import { parseSeedJson, SeedError, Simulator, type SimulatorBaseOptions } from './simulator.js';

/** The smallest simulator: `GET /things` lists what it was seeded with. */
class ThingsSimulator extends Simulator<string[]> {
  things: string[] = [];
  ownFaultsCleared = 0;

  constructor(options: SimulatorBaseOptions = {}) {
    super('things', options);
  }

  seed(things: string[]): void {
    this.things = [...things];
  }

  parseSeed(json: unknown): string[] {
    return parseSeedJson(z.array(z.string().min(1)), json, 'Things simulator');
  }

  protected override resetFaults(): void {
    this.ownFaultsCleared += 1;
  }

  protected routes(app: Express): void {
    app.get('/things', (_req, res) => {
      res.json(this.things);
    });
  }
}

async function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

describe('Simulator base', () => {
  const simulator = new ThingsSimulator();
  const app = simulator.createApp();

  beforeEach(() => {
    simulator.reset();
    simulator.seed(['a', 'b']);
  });

  it('serves its API and logs each call, but not the /_sim calls', async () => {
    await request(app).get('/things').expect(200, ['a', 'b']);
    await request(app).get('/_sim/calls').expect(200);
    expect(simulator.control.calls).toEqual([{ method: 'GET', path: '/things', status: 200 }]);
    const calls = await request(app).get('/_sim/calls').expect(200);
    expect(calls.body).toMatchObject({ simulator: 'things', count: 1 });
  });

  it('replaces its data from POST /_sim/seed', async () => {
    await request(app).post('/_sim/seed').send(['x']).expect(204);
    await request(app).get('/things').expect(200, ['x']);
  });

  it('refuses seed JSON of the wrong shape with 400 naming the place, and keeps its data', async () => {
    const response = await request(app).post('/_sim/seed').send(['ok', 7]).expect(400);
    expect(response.body.error).toMatch(/^Things simulator seed is not valid: \[1\]: .*string/);
    await request(app).get('/things').expect(200, ['a', 'b']);
  });

  it('refuses a body that is not JSON with 400', async () => {
    const response = await request(app)
      .post('/_sim/seed')
      .set('Content-Type', 'application/json')
      .send('{not json')
      .expect(400);
    expect(response.body.error).toBe('things simulator: the body is not valid JSON');
  });

  it('injects latency set over HTTP, and refuses a latency that is not a number of milliseconds', async () => {
    await request(app).post('/_sim/latency').send({ ms: 60 }).expect(204);
    const started = Date.now();
    await request(app).get('/things').expect(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(55);
    for (const body of [{ ms: -1 }, { ms: 'slow' }, {}, { ms: 10, extra: true }, { ms: 10_000_000 }]) {
      const response = await request(app).post('/_sim/latency').send(body).expect(400);
      expect(response.body.error).toMatch(/^latency is not valid: /);
    }
    expect(simulator.control.latencyMs).toBe(60);
  });

  it('injects faults set over HTTP, for the number of requests asked, with Retry-After', async () => {
    await request(app)
      .post('/_sim/faults')
      .send({ method: 'GET', path: '/things', status: 503, times: 1, retryAfterSeconds: 2 })
      .expect(204);
    const faulted = await request(app).get('/things').expect(503);
    expect(faulted.headers['retry-after']).toBe('2');
    await request(app).get('/things').expect(200);
  });

  it.each([
    [{ status: 500 }, /path: /],
    [{ path: 'things', status: 500 }, /path: a path starting with \//],
    [{ path: '/things', status: 99 }, /status: /],
    [{ path: '/things', status: 500, times: 0 }, /times: /],
    [{ path: '/things', status: 500, method: 'G E T' }, /method: /],
    [{ path: '/things', status: 500, colour: 'red' }, /colour/],
  ])('refuses the fault %j with 400 naming the field', async (body, message) => {
    const response = await request(app).post('/_sim/faults').send(body).expect(400);
    expect(response.body.error).toMatch(message);
    expect(simulator.control.faults).toEqual([]);
  });

  it('forgets latency, faults, calls and its own faults on reset (POST /_sim/reset or reset()), keeping its data', async () => {
    simulator.control.latencyMs = 5;
    simulator.control.addFault({ path: '/things', status: 500 });
    const before = simulator.ownFaultsCleared;
    await request(app).post('/_sim/reset').expect(204);
    expect(simulator.control).toMatchObject({ latencyMs: 0, faults: [], calls: [] });
    expect(simulator.ownFaultsCleared).toBe(before + 1);
    await request(app).get('/things').expect(200, ['a', 'b']);
  });

  it('answers an unknown /_sim route with 404', async () => {
    await request(app).post('/_sim/nothing').expect(404);
  });
});

describe('Simulator base with a control token', () => {
  const simulator = new ThingsSimulator({ controlToken: 'control-token-0123' });
  const app = simulator.createApp();

  it('refuses /_sim calls without the token, or with another, with 401', async () => {
    for (const path of ['/_sim/seed', '/_sim/latency', '/_sim/faults', '/_sim/reset']) {
      await request(app).post(path).send({}).expect(401);
      await request(app).post(path).set('Authorization', 'Bearer wrong').send({}).expect(401);
    }
    await request(app).get('/_sim/calls').expect(401);
  });

  it('accepts them with the token; the API itself needs none', async () => {
    await request(app)
      .post('/_sim/seed')
      .set('Authorization', 'Bearer control-token-0123')
      .send(['t'])
      .expect(204);
    await request(app).get('/things').expect(200, ['t']);
  });
});

describe('Simulator start and close', () => {
  it('listens on a free port, refuses a second start, and frees the port on close', async () => {
    const simulator = new ThingsSimulator();
    expect(simulator.started).toBe(false);
    expect(() => simulator.url).toThrow('things simulator not started');
    await simulator.start();
    expect(simulator.url).toBe(`http://127.0.0.1:${simulator.port}`);
    await expect(simulator.start()).rejects.toThrow('things simulator already started');
    const port = simulator.port;
    await simulator.close();
    expect(simulator.started).toBe(false);
    expect(await portIsFree(port)).toBe(true);
    await simulator.close();
  });

  it('listens on the port it is given, and fails when that port is taken', async () => {
    const first = new ThingsSimulator();
    await first.start();
    const port = first.port;
    await first.close();
    const second = new ThingsSimulator();
    await second.start(port);
    try {
      expect(second.port).toBe(port);
      await expect(new ThingsSimulator().start(port)).rejects.toThrow(/EADDRINUSE/);
    } finally {
      await second.close();
    }
  });
});

describe('every simulator is a Simulator and takes its seed as JSON', () => {
  const gitlab = new GitLabSimulator({ token: 'admin-token' });
  const lookup = new LookupSimulator();
  const sheets = new SheetsSimulator();

  beforeAll(async () => {
    await Promise.all([gitlab.start(), lookup.start(), sheets.start()]);
  });
  afterAll(async () => {
    await Promise.all([gitlab.close(), lookup.close(), sheets.close()]);
  });

  it('GitLab: users', async () => {
    expect(gitlab).toBeInstanceOf(Simulator);
    const user = {
      id: 5,
      username: 'ab123',
      name: 'A B',
      state: 'active',
      bot: false,
      last_activity_on: '2026-01-02',
      created_at: '2020-01-01T00:00:00Z',
      identities: [],
    };
    await request(gitlab.url).post('/_sim/seed').send([user]).expect(204);
    expect(gitlab.users()).toEqual([user]);
    const bad = await request(gitlab.url)
      .post('/_sim/seed')
      .send([{ ...user, last_activity_on: 'yesterday' }])
      .expect(400);
    expect(bad.body.error).toMatch(/^GitLab simulator seed is not valid: \[0\]\.last_activity_on: /);
  });

  it('Lookup: people', async () => {
    expect(lookup).toBeInstanceOf(Simulator);
    await request(lookup.url)
      .post('/_sim/seed')
      .send([{ crsid: 'ab123', cancelled: true }])
      .expect(204);
    const answer = await request(lookup.apiUrl).get('/person/list?crsids=ab123&format=json').expect(200);
    expect(answer.body.result.people).toMatchObject([{ cancelled: true, identifier: { value: 'ab123' } }]);
    const bad = await request(lookup.url)
      .post('/_sim/seed')
      .send([{ crsid: 'ab 123', cancelled: 'no' }])
      .expect(400);
    expect(bad.body.error).toMatch(/\[0\]\.crsid: a CRSid/);
    expect(bad.body.error).toMatch(/\[0\]\.cancelled: /);
  });

  it('Sheets: spreadsheets, replacing the ones it had', async () => {
    expect(sheets).toBeInstanceOf(Simulator);
    sheets.setSpreadsheet('old', { Pools: [['x']] });
    await request(sheets.url)
      .post('/_sim/seed')
      .send({ college1: { Pools: [['Pool'], ['A']] } })
      .expect(204);
    const auth = { Authorization: 'Bearer t' };
    await request(sheets.url).get('/v4/spreadsheets/old').set(auth).expect(404);
    const values = await request(sheets.url)
      .get('/v4/spreadsheets/college1/values:batchGet?ranges=Pools')
      .set(auth)
      .expect(200);
    expect(values.body.valueRanges[0].values).toEqual([['Pool'], ['A']]);
    const bad = await request(sheets.url).post('/_sim/seed').send({ 'bad id!': {} }).expect(400);
    expect(bad.body.error).toMatch(/a spreadsheet id/);
  });

  it('parseSeed throws a SeedError in-process too', () => {
    expect(() => gitlab.parseSeed({ users: [] })).toThrow(SeedError);
  });
});
