// The XML-RPC client against a real supervisord (Debian's), started here with stand-in programs.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SupervisorClient } from '../src/supervisor/supervisor.client.js';
import { SupervisorFaultError, SupervisorUnreachableError } from '../src/supervisor/supervisor.errors.js';
import { toHttpError } from '../src/supervisor/supervisor-http.util.js';
import {
  FAILING,
  PROGRAMS,
  startSupervisord,
  supervisordInstalled,
  type TestSupervisord,
} from './supervisord.harness.js';
import { startSilentServer } from './silent-server.js';

const describeWith = supervisordInstalled ? describe : describe.skip;

describeWith('SupervisorClient against a real supervisord', () => {
  let s: TestSupervisord;

  beforeAll(async () => {
    s = await startSupervisord();
    await s.settled();
  });
  afterAll(() => s?.close());

  async function failure(call: () => Promise<unknown>): Promise<unknown> {
    try {
      await call();
    } catch (error) {
      return error;
    }
    throw new Error('expected the call to fail');
  }

  it("reads supervisord's state and every program", async () => {
    expect(await s.client.getState()).toEqual({ statecode: 1, statename: 'RUNNING' });
    const all = await s.client.getAllProcessInfo();
    expect(all.map((p) => p.name).sort()).toEqual([...PROGRAMS, FAILING].sort());
    const api = all.find((p) => p.name === 'api');
    expect(api).toMatchObject({ group: 'api', statename: 'RUNNING', state: 20 });
    expect(api?.pid).toBeGreaterThan(0);
    expect(all.find((p) => p.name === FAILING)).toMatchObject({ statename: 'FATAL', state: 200 });
  });

  it('stops and starts one program, and says so when it is already in that state', async () => {
    await s.client.stopProcess('polling');
    expect((await s.client.getProcessInfo('polling')).statename).toBe('STOPPED');
    const notRunning = await failure(() => s.client.stopProcess('polling'));
    expect(notRunning).toBeInstanceOf(SupervisorFaultError);
    expect(notRunning).toMatchObject({ faultCode: 70, instance: 'test' });
    await s.client.startProcess('polling');
    expect((await s.client.getProcessInfo('polling')).statename).toBe('RUNNING');
    const already = await failure(() => s.client.startProcess('polling'));
    expect(already).toMatchObject({ faultCode: 60 });
    expect((toHttpError(already) as { getStatus(): number }).getStatus()).toBe(409);
  });

  it('names an unknown program as BAD_NAME (404)', async () => {
    const error = await failure(() => s.client.getProcessInfo('no-such-program'));
    expect(error).toMatchObject({ faultCode: 10 });
    expect((error as Error).message).toContain('BAD_NAME: no-such-program');
    const http = toHttpError(error) as { getStatus(): number; getResponse(): unknown };
    expect(http.getStatus()).toBe(404);
    expect(http.getResponse()).toMatchObject({ fault: { code: 10, name: 'BAD_NAME' } });
  });

  it('stops and starts everything, reporting each program', async () => {
    const stopped = await s.client.stopAllProcesses();
    expect(stopped.map((r) => r.name).sort()).toEqual([...PROGRAMS].sort());
    expect(stopped.every((r) => r.status === 80)).toBe(true);
    const started = await s.client.startAllProcesses();
    expect(started.filter((r) => r.status === 80).map((r) => r.name)).toEqual(
      expect.arrayContaining([...PROGRAMS]),
    );
    const all = await s.client.getAllProcessInfo();
    for (const name of PROGRAMS) expect(all.find((p) => p.name === name)?.statename).toBe('RUNNING');
  });

  it("tails a program's log", async () => {
    const tail = await s.client.tailStdoutLog('api', 1000);
    expect(tail.text).toContain('api is up');
    expect(tail.overflow).toBe(false);
  });

  it('asks a read again after a 503 with Retry-After (honoured), and never repeats an action', async () => {
    const proxy = await startFaultyProxy(s.url);
    try {
      const delays: number[] = [];
      const client = new SupervisorClient({
        instance: 'prod',
        url: proxy.url,
        username: s.username,
        password: s.password,
        timeoutMs: 5000,
        sleep: (ms) => {
          delays.push(ms);
          return Promise.resolve();
        },
      });
      proxy.failures.push({ status: 503, retryAfter: '1' });
      expect((await client.getProcessInfo('api')).statename).toBe('RUNNING');
      expect(delays).toEqual([1000]);
      expect(client.calls).toBe(2);
      expect(proxy.forwarded).toBe(1);

      for (const status of [503, 429, 500]) {
        proxy.failures.push({ status, retryAfter: '0' });
        await expect(client.stopProcess('api')).rejects.toThrow(
          `supervisord of instance "prod" is unreachable: it answered HTTP ${status}`,
        );
      }
      expect(client.calls).toBe(5);
      expect(proxy.forwarded).toBe(1);
      expect(delays).toEqual([1000]);
      expect((await s.client.getProcessInfo('api')).statename).toBe('RUNNING');

      // A Retry-After longer than a read may wait fails at once, and 401 is never asked again.
      proxy.failures.push({ status: 503, retryAfter: '30' });
      await expect(client.getState()).rejects.toThrow('it answered HTTP 503');
      proxy.failures.push({ status: 401 });
      await expect(client.getState()).rejects.toThrow('it refused the credentials (HTTP 401)');
      expect(client.calls).toBe(7);
      expect(delays).toEqual([1000]);
    } finally {
      await proxy.close();
    }
  });

  it('refuses wrong credentials as unreachable, naming the instance (502)', async () => {
    const wrong = new SupervisorClient({
      instance: 'prod',
      url: s.url,
      username: s.username,
      password: 'not-the-password',
      timeoutMs: 5000,
    });
    const error = await failure(() => wrong.getState());
    expect(error).toBeInstanceOf(SupervisorUnreachableError);
    expect((error as Error).message).toBe(
      'supervisord of instance "prod" is unreachable: it refused the credentials (HTTP 401)',
    );
    expect((error as Error).message).not.toContain('not-the-password');
    expect((toHttpError(error) as { getStatus(): number }).getStatus()).toBe(502);
  });
});

describe('SupervisorClient without a supervisord', () => {
  it('reports a closed port as unreachable, naming the instance', async () => {
    const net = await import('node:net');
    const port = await new Promise<number>((resolve) => {
      const server = net.createServer().listen(0, '127.0.0.1', () => {
        const { port: p } = server.address() as { port: number };
        server.close(() => resolve(p));
      });
    });
    const client = new SupervisorClient({
      instance: 'failover',
      url: `http://127.0.0.1:${port}/RPC2`,
      timeoutMs: 2000,
    });
    await expect(client.getState()).rejects.toThrow(
      'supervisord of instance "failover" is unreachable: connection refused',
    );
  });

  it('gives a hung supervisord one attempt per read attempt, each cut at the timeout', async () => {
    const hung = await startSilentServer();
    try {
      const client = new SupervisorClient({
        instance: 'slow',
        url: `${hung.url}/RPC2`,
        timeoutMs: 200,
        readAttempts: 2,
      });
      const started = performance.now();
      await expect(client.getState()).rejects.toThrow(
        'supervisord of instance "slow" is unreachable: no answer within 200 ms',
      );
      const elapsed = performance.now() - started;
      expect(client.calls).toBe(2);
      expect(hung.requests).toBe(2);
      // Two attempts of 200 ms and one backoff (about 0.2 s): bounded, not a wait for ever (the slack is
      // for a busy machine).
      expect(elapsed).toBeGreaterThanOrEqual(390);
      expect(elapsed).toBeLessThan(10_000);
    } finally {
      await hung.close();
    }
  });

  it('sends an action to a hung supervisord once, and reads once with readAttempts 1', async () => {
    const hung = await startSilentServer();
    try {
      const client = new SupervisorClient({
        instance: 'slow',
        url: `${hung.url}/RPC2`,
        timeoutMs: 200,
        readAttempts: 3,
      });
      await expect(client.stopProcess('api')).rejects.toThrow(
        'supervisord of instance "slow" is unreachable: no answer within 200 ms',
      );
      await expect(client.startAllProcesses()).rejects.toThrow('no answer within 200 ms');
      expect(client.calls).toBe(2);
      expect(hung.requests).toBe(2);
      const once = new SupervisorClient({
        instance: 'slow',
        url: `${hung.url}/RPC2`,
        timeoutMs: 200,
        readAttempts: 1,
      });
      await expect(once.getAllProcessInfo()).rejects.toThrow('no answer within 200 ms');
      expect(once.calls).toBe(1);
      expect(hung.requests).toBe(3);
    } finally {
      await hung.close();
    }
  });

  it('gives an action its own longer limit (SUPERVISOR_ACTION_TIMEOUT_MS), once', async () => {
    const hung = await startSilentServer();
    try {
      const client = new SupervisorClient({
        instance: 'slow',
        url: `${hung.url}/RPC2`,
        timeoutMs: 200,
        actionTimeoutMs: 800,
      });
      const started = performance.now();
      await expect(client.stopAllProcesses()).rejects.toThrow(
        'supervisord of instance "slow" is unreachable: no answer within 800 ms',
      );
      expect(performance.now() - started).toBeGreaterThanOrEqual(750);
      expect(client.actionPolicy.calls).toBe(1);
      expect(hung.requests).toBe(1);
    } finally {
      await hung.close();
    }
  });

  it('does not repeat a read that got a refused connection more than readAttempts times', async () => {
    const net = await import('node:net');
    const port = await new Promise<number>((resolve) => {
      const server = net.createServer().listen(0, '127.0.0.1', () => {
        const { port: p } = server.address() as { port: number };
        server.close(() => resolve(p));
      });
    });
    const delays: number[] = [];
    const client = new SupervisorClient({
      instance: 'down',
      url: `http://127.0.0.1:${port}/RPC2`,
      timeoutMs: 2000,
      readAttempts: 3,
      sleep: (ms) => {
        delays.push(ms);
        return Promise.resolve();
      },
    });
    await expect(client.getProcessInfo('api')).rejects.toThrow('connection refused');
    expect(client.calls).toBe(3);
    expect(delays).toHaveLength(2);
    await expect(client.startProcess('api')).rejects.toThrow('connection refused');
    expect(client.calls).toBe(4);
    expect(delays).toHaveLength(2);
  });
});

interface FaultyProxy {
  url: string;
  /** The next requests get these answers instead of supervisord's (first first). */
  failures: { status: number; retryAfter?: string }[];
  /** Requests passed on to supervisord. */
  readonly forwarded: number;
  close(): Promise<void>;
}

/** A proxy in front of a real supervisord that answers the next requests with HTTP errors when told. */
async function startFaultyProxy(target: string): Promise<FaultyProxy> {
  const http = await import('node:http');
  const failures: FaultyProxy['failures'] = [];
  let forwarded = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const failure = failures.shift();
      if (failure !== undefined) {
        res.writeHead(
          failure.status,
          failure.retryAfter === undefined ? {} : { 'retry-after': failure.retryAfter },
        );
        res.end('failing on purpose');
        return;
      }
      forwarded += 1;
      void fetch(target, {
        method: 'POST',
        headers: { 'content-type': 'text/xml', authorization: req.headers.authorization ?? '' },
        body: Buffer.concat(chunks),
      }).then(async (answer) => {
        res.writeHead(answer.status, { 'content-type': 'text/xml' });
        res.end(await answer.text());
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/RPC2`,
    failures,
    get forwarded() {
      return forwarded;
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
