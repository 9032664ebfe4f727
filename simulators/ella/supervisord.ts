import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import net, { type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** The stand-ins for ELLA's programs, and one that exits at once (FATAL after its one try). */
export const ELLA_PROGRAMS = ['analysis-watcher', 'api', 'nginx', 'polling'] as const;
export const FAILING_PROGRAM = 'crasher';

export interface RunningSupervisord {
  /** The XML-RPC endpoint, `http://127.0.0.1:<port>/RPC2`. */
  url: string;
  username: string;
  password: string;
  close(): Promise<void>;
}

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
    ...ELLA_PROGRAMS.map(program),
    `[program:${FAILING_PROGRAM}]`,
    `command=/bin/sh -c "echo ${FAILING_PROGRAM} gives up; exit 3"`,
    'autostart=true',
    // It exits at once: a failed start (BACKOFF, then FATAL with no retry left) only while supervisord
    // notices the exit within startsecs. With 1 s, a loaded machine (a full test run on 2 cores) let
    // supervisord count it RUNNING first and then EXITED; 10 s leaves no such race.
    'startsecs=10',
    'startretries=0',
    'autorestart=false',
    '',
  ].join('\n');
}

/**
 * A real supervisord (Debian's `supervisor` package) in a temporary folder, on a free port, with HTTP
 * Basic auth and small stand-in programs named like ELLA's. `autostart: false` leaves the stand-ins
 * STOPPED (a failover VM). Resolves once the process is spawned; callers wait for its answer.
 */
export async function spawnSupervisord(options: {
  autostart: boolean;
  username: string;
  password: string;
}): Promise<RunningSupervisord> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ella-supervisord-'));
  await mkdir(path.join(dir, 'logs'));
  const port = await freePort();
  const conf = path.join(dir, 'supervisord.conf');
  await writeFile(conf, config(dir, port, options.username, options.password, options.autostart), {
    mode: 0o600,
  });
  const child: ChildProcess = spawn('supervisord', ['-n', '-c', conf], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.once('error', () => undefined);
  return {
    url: `http://127.0.0.1:${port}/RPC2`,
    username: options.username,
    password: options.password,
    async close() {
      if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
        child.kill('SIGTERM');
        await exited;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
