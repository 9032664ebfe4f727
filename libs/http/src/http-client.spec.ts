import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import express from 'express';
import { AxiosError } from 'axios';
import {
  listen,
  type RunningSimulator,
  SimulatorControl,
  createSimulatorApp,
} from '../../../simulators/common/simulator.js';
import { createHttpClient, isAxiosError, mapWithConcurrency, retryDelayMs } from './index.js';

/** A server whose `GET /slow` answers a JSON body that never ends (a space every 50 ms). */
async function trickleServer() {
  const timers = new Set<NodeJS.Timeout>();
  let asked = 0;
  const app = express();
  app.get('/slow', (_req, res) => {
    asked += 1;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('{"a":');
    const timer = setInterval(() => res.write(' '), 50);
    timers.add(timer);
    res.on('close', () => clearInterval(timer));
  });
  const server = await listen(app);
  return {
    url: server.url,
    asked: () => asked,
    close: async () => {
      for (const timer of timers) clearInterval(timer);
      await server.close();
    },
  };
}

describe('createHttpClient', () => {
  const control = new SimulatorControl();
  let server: RunningSimulator;
  let posts = 0;
  const seen: (string | undefined)[] = [];

  beforeAll(async () => {
    const app = createSimulatorApp(control, 'test');
    app.get('/thing', (_req, res) => {
      res.json({ ok: true });
    });
    app.post('/thing', (_req, res) => {
      posts += 1;
      res.status(201).json({ ok: true });
    });
    app.get('/whoami', (req, res) => {
      seen.push(req.headers.authorization);
      if (seen.length === 1) res.status(503).json({ busy: true });
      else res.json({ authorization: req.headers.authorization });
    });
    app.get('/big', (_req, res) => {
      // Far more than one socket read, with characters of several bytes split across chunks.
      res.json({ items: Array.from({ length: 20_000 }, (_, i) => ({ i, name: `élève ${i} — ✓` })) });
    });
    app.get('/chunked', (_req, res) => {
      // No Content-Length: the body is sent in pieces, a character of three bytes split between two.
      res.writeHead(200, { 'content-type': 'application/json' });
      const text = JSON.stringify({ items: Array.from({ length: 5000 }, (_, i) => `✓ ${i}`) });
      const split = Buffer.from(text);
      const cut = split.indexOf(Buffer.from('✓')) + 1;
      res.write(split.subarray(0, cut));
      res.write(split.subarray(cut, cut + 70_000));
      res.end(split.subarray(cut + 70_000));
    });
    app.get('/long', (_req, res) => {
      // Over 2 MB of three-byte characters: a piece of 1 MB ends inside one.
      res.json(['✓'.repeat(700_000)]);
    });
    app.get('/text', (_req, res) => {
      res.type('text/plain').send('\ufeffnot json');
    });
    app.get('/empty', (_req, res) => {
      res.status(200).end();
    });
    app.use(express.json());
    server = await listen(app);
  });
  afterAll(() => server.close());

  it('ends an attempt whose body trickles past its time, and the operation at its deadline', async () => {
    const slow = await trickleServer();
    try {
      const started = Date.now();
      const failure = await createHttpClient({
        system: 'Test',
        baseURL: slow.url,
        timeoutMs: 300,
        deadlineMs: 1000,
        baseDelayMs: 1,
        maxAttempts: 2,
      })
        .get('/slow')
        .catch((error: unknown) => error);
      expect(isAxiosError(failure)).toBe(true);
      expect((failure as AxiosError).code).toBe('ECONNABORTED');
      expect((failure as AxiosError).message).toMatch(/timeout of \d+ms exceeded/);
      // Two attempts of 300 ms: well inside the deadline, and far from "for ever".
      expect(Date.now() - started).toBeLessThan(2500);
    } finally {
      await slow.close();
    }
  });

  const client = () =>
    createHttpClient({ system: 'Test', baseURL: server.url, baseDelayMs: 1, maxAttempts: 3 });

  it('retries 503 on a GET and succeeds', async () => {
    control.reset();
    control.addFault({ path: '/thing', status: 503, times: 2 });
    const response = await client().get('/thing');
    expect(response.data).toEqual({ ok: true });
    expect(control.callCount({ path: '/thing' })).toBe(3);
  });

  it('asks for the Authorization header on every attempt, so a retry carries a fresh token', async () => {
    let issued = 0;
    const authorized = createHttpClient({
      system: 'Test',
      baseURL: server.url,
      baseDelayMs: 1,
      maxAttempts: 3,
      authorization: () => Promise.resolve(`Bearer token-${++issued}`),
    });
    const response = await authorized.get('/whoami');
    expect(seen).toEqual(['Bearer token-1', 'Bearer token-2']);
    expect(response.data).toEqual({ authorization: 'Bearer token-2' });
  });

  it('gives up after maxAttempts', async () => {
    control.reset();
    control.addFault({ path: '/thing', status: 500, times: 5 });
    await expect(client().get('/thing')).rejects.toBeInstanceOf(AxiosError);
    expect(control.callCount({ path: '/thing' })).toBe(3);
  });

  it('does not retry a POST on 500 but does on 429', async () => {
    control.reset();
    posts = 0;
    control.addFault({ method: 'POST', path: '/thing', status: 500, times: 1 });
    await expect(client().post('/thing')).rejects.toBeInstanceOf(AxiosError);
    expect(posts).toBe(0);
    control.addFault({ method: 'POST', path: '/thing', status: 429, times: 1, retryAfterSeconds: 0 });
    await client().post('/thing');
    expect(posts).toBe(1);
  });

  it('fails at once on a 429 whose Retry-After is longer than it may wait', async () => {
    control.reset();
    control.addFault({ path: '/thing', status: 429, times: 1, retryAfterSeconds: 3600 });
    await expect(client().get('/thing')).rejects.toMatchObject({ response: { status: 429 } });
    expect(control.callCount({ path: '/thing' })).toBe(1);
  });

  it('does not retry a 404', async () => {
    control.reset();
    control.addFault({ path: '/thing', status: 404, times: 3 });
    await expect(client().get('/thing')).rejects.toMatchObject({ response: { status: 404 } });
    expect(control.callCount()).toBe(1);
  });

  describe('decodeAsReceived', () => {
    it('gives the same data as the whole-body read: JSON parsed, else the text, empty as empty', async () => {
      control.reset();
      for (const path of ['/big', '/long', '/chunked', '/text', '/empty', '/thing']) {
        const whole = await client().get(path);
        const decoded = await client().get(path, { decodeAsReceived: true });
        expect(decoded.status).toBe(whole.status);
        expect(decoded.data).toEqual(whole.data);
      }
      const big = await client().get<{ items: { i: number; name: string }[] }>('/big', {
        decodeAsReceived: true,
      });
      expect(big.data.items).toHaveLength(20_000);
      expect(big.data.items[19_999]).toEqual({ i: 19_999, name: 'élève 19999 — ✓' });
      const chunked = await client().get<{ items: string[] }>('/chunked', { decodeAsReceived: true });
      expect(chunked.data.items).toHaveLength(5000);
      expect(chunked.data.items[0]).toBe('✓ 0');
      const long = await client().get<string[]>('/long', { decodeAsReceived: true });
      expect(long.data).toEqual(['✓'.repeat(700_000)]);
      const text = await client().get('/text', { decodeAsReceived: true });
      expect(text.data).toBe('not json');
    });

    it('retries a 503 as before, and a refused answer carries its parsed body', async () => {
      control.reset();
      control.addFault({ path: '/thing', status: 503, times: 2 });
      const response = await client().get('/thing', { decodeAsReceived: true });
      expect(response.data).toEqual({ ok: true });
      expect(control.callCount({ path: '/thing' })).toBe(3);
      control.addFault({ path: '/thing', status: 409, times: 1, body: { Message: 'in the way' } });
      const failure = await client()
        .get('/thing', { decodeAsReceived: true })
        .catch((error: unknown) => error);
      expect(isAxiosError(failure)).toBe(true);
      expect((failure as AxiosError).response?.status).toBe(409);
      expect((failure as AxiosError).response?.data).toEqual({ Message: 'in the way' });
      expect(control.callCount({ path: '/thing' })).toBe(4);
    });

    it('ends an attempt whose body trickles past its time, as a timeout that is retried', async () => {
      const slow = await trickleServer();
      try {
        const failure = await createHttpClient({
          system: 'Test',
          baseURL: slow.url,
          timeoutMs: 300,
          deadlineMs: 5000,
          baseDelayMs: 1,
          maxAttempts: 2,
        })
          .get('/slow', { decodeAsReceived: true })
          .catch((error: unknown) => error);
        expect(isAxiosError(failure)).toBe(true);
        expect((failure as AxiosError).code).toBe('ECONNABORTED');
        expect(slow.asked()).toBe(2);
      } finally {
        await slow.close();
      }
    });
  });

  it('isAxiosError tells a failed request from other errors without loading axios itself', async () => {
    control.reset();
    control.addFault({ path: '/thing', status: 404, times: 1 });
    const failure = await client()
      .get('/thing')
      .catch((error: unknown) => error);
    expect(isAxiosError(failure)).toBe(true);
    expect(isAxiosError(new AxiosError('made by hand'))).toBe(true);
    expect(isAxiosError(new Error('not a request'))).toBe(false);
    expect(isAxiosError({ isAxiosError: 'yes' })).toBe(false);
    expect(isAxiosError(null)).toBe(false);
  });
});

describe('retryDelayMs', () => {
  it.each([
    [1, '3', 3000],
    [1, '0', 0],
    [2, '120', 120_000],
    [1, '300', 300_000],
  ])('attempt %i with Retry-After %s waits %i ms', (attempt, header, expected) => {
    expect(retryDelayMs(attempt, header, 100, 1000)).toBe(expected);
  });

  it('does not retry early when Retry-After asks for longer than the client waits', () => {
    expect(retryDelayMs(1, '301', 100, 1000)).toBeNull();
    expect(retryDelayMs(1, '61', 100, 1000, Date.now(), 60_000)).toBeNull();
  });

  it('reads an HTTP date', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(retryDelayMs(1, 'Thu, 01 Jan 2026 00:00:05 GMT', 100, 60_000, now)).toBe(5000);
  });

  it('backs off exponentially within bounds without a header', () => {
    for (let attempt = 1; attempt <= 5; attempt++) {
      const delay = retryDelayMs(attempt, undefined, 100, 1000) ?? -1;
      expect(delay).toBeGreaterThanOrEqual(Math.min(50 * 2 ** (attempt - 1), 1000));
      expect(delay).toBeLessThanOrEqual(1000);
    }
  });
});

describe('mapWithConcurrency', () => {
  it('keeps order and bounds the calls in flight', async () => {
    let inFlight = 0;
    let peak = 0;
    const result = await mapWithConcurrency([1, 2, 3, 4, 5, 6], 2, async (n) => {
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setTimeout(r, 5));
      inFlight -= 1;
      return n * 10;
    });
    expect(result).toEqual([10, 20, 30, 40, 50, 60]);
    expect(peak).toBe(2);
  });

  it('rejects with the first error', async () => {
    await expect(
      mapWithConcurrency([1, 2, 3], 3, (n) =>
        n === 2 ? Promise.reject(new Error('two')) : Promise.resolve(n),
      ),
    ).rejects.toThrow('two');
  });
});
