import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import net, { type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { findCommand } from '../../../scripts/system-peers.mjs';
import { SupervisorClient } from '../src/supervisor/supervisor.client.js';

/** The stand-ins for ELLA's programs, and one that exits at once (FATAL after its one try). */
export const PROGRAMS = ['analysis-watcher', 'api', 'nginx', 'polling'] as const;
export const FAILING = 'crasher';

export interface TestSupervisord {
  /** The XML-RPC endpoint. */
  url: string;
  username: string;
  password: string;
  /** A client with the right credentials (for arranging and checking). */
  client: SupervisorClient;
  /** Waits until every stand-in is RUNNING and the failing one is FATAL. */
  settled(): Promise<void>;
  close(): Promise<void>;
}

/** Whether Debian's supervisord is installed (scripts/system-peers.json); specs skip without it. */
export const supervisordInstalled = findCommand('supervisord') !== undefined;

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/** Polls `check` until it holds, up to `limitMs`: the condition is what the test waits for, not a time. */
export async function waitFor(what: string, check: () => Promise<boolean>, limitMs = 15_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function config(dir: string, port: number, username: string, password: string, autostart: boolean): string {
  const program = (name: string) =>
    [
      `[program:${name}]`,
      `command=/bin/sh -c "echo ${name} is up; exec sleep 86400"`,
      `autostart=${autostart}`,
      'startsecs=0',
      'stopwaitsecs=5',
      'stopasgroup=true',
      'killasgroup=true',
      '',
    ].join('\n');
  return [
    '[supervisord]',
    'nodaemon=true',
    `logfile=${dir}/supervisord.log`,
    `pidfile=${dir}/supervisord.pid`,
    `childlogdir=${dir}/logs`,
    'loglevel=warn',
    '',
    '[inet_http_server]',
    `port=127.0.0.1:${port}`,
    `username=${username}`,
    `password=${password}`,
    '',
    '[rpcinterface:supervisor]',
    'supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface',
    '',
    ...PROGRAMS.map(program),
    `[program:${FAILING}]`,
    `command=/bin/sh -c "echo ${FAILING} gives up; exit 3"`,
    'autostart=true',
    'startsecs=1',
    'startretries=0',
    'autorestart=false',
    '',
  ].join('\n');
}

/**
 * A real supervisord (Debian's) in a temporary folder, on a free port, with HTTP Basic auth and small
 * stand-in programs named like ELLA's. `autostart: false` leaves the stand-ins STOPPED (a failover VM).
 */
export async function startSupervisord(options: { autostart?: boolean } = {}): Promise<TestSupervisord> {
  const autostart = options.autostart ?? true;
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ella-ops-supervisord-'));
  await mkdir(path.join(dir, 'logs'));
  const port = await freePort();
  const username = 'ella-ops';
  const password = `pw-${Math.random().toString(36).slice(2)}`;
  const conf = path.join(dir, 'supervisord.conf');
  await writeFile(conf, config(dir, port, username, password, autostart));
  const child: ChildProcess = spawn('supervisord', ['-n', '-c', conf], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}/RPC2`;
  const client = new SupervisorClient({ instance: 'test', url, username, password, timeoutMs: 5000 });
  const close = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitFor('supervisord to answer', async () => (await client.getState()).statename === 'RUNNING');
  } catch (error) {
    await close();
    throw error;
  }
  const settled = () =>
    waitFor('the programs to settle', async () => {
      const all = await client.getAllProcessInfo();
      return all.every((p) =>
        p.name === FAILING ? p.statename === 'FATAL' : p.statename === (autostart ? 'RUNNING' : 'STOPPED'),
      );
    });
  return { url, username, password, client, settled, close };
}
