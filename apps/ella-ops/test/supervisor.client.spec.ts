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

  it('reports a server that never answers as a timeout', async () => {
    const net = await import('node:net');
    const sockets: import('node:net').Socket[] = [];
    const server = net.createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const { port } = server.address() as { port: number };
    try {
      const client = new SupervisorClient({
        instance: 'slow',
        url: `http://127.0.0.1:${port}/RPC2`,
        timeoutMs: 200,
      });
      await expect(client.getState()).rejects.toThrow(
        'supervisord of instance "slow" is unreachable: no answer within 200 ms',
      );
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
