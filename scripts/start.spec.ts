import { afterAll, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/**
 * `npm start` itself, as a newcomer runs it: builds, starts the embedded database, the simulators
 * and every app, prints the URLs and the token; the printed token runs a dry-run job; Ctrl-C (SIGINT)
 * stops everything and exits 0. Uses its own data folder so a developer's `.data` is left alone.
 */
/** Ports 3001+OFFSET...: leaves a developer's own `npm start` (3001...) undisturbed. */
const OFFSET = 21000;
const url = (port: number, rest: string) => `http://127.0.0.1:${port + OFFSET}${rest}`;

describe('npm start', () => {
  let child: ChildProcess | undefined;
  let dataDir: string;
  let output = '';

  afterAll(async () => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
  });

  it('starts everything, serves a job with the printed token, and stops cleanly on Ctrl-C', async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'usp-start-'));
    const started = spawn(process.execPath, [path.resolve('scripts/start.mjs')], {
      env: {
        ...process.env,
        LOCAL_DATA_DIR: dataDir,
        LOCAL_PORT_OFFSET: String(OFFSET),
        LOG_LEVEL: 'warn',
        DATABASE_URL: '',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = started;
    started.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    started.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`npm start did not come up:\n${output}`)), 90_000);
      const check = setInterval(() => {
        if (output.includes('Ctrl-C stops everything')) {
          clearInterval(check);
          clearTimeout(timer);
          resolve();
        }
      }, 100);
    });

    expect(output).toContain(`covid-pool           ${url(3001, '')}`);
    expect(output).toContain(`lookup-gitlab-sync   ${url(3004, '')}`);
    expect(output).not.toContain('not healthy');
    const secrets = JSON.parse(await readFile(path.join(dataDir, 'local-secrets.json'), 'utf8')) as {
      jobToken: string;
    };
    expect(output).toContain(secrets.jobToken);

    for (const port of [3001, 3004]) {
      expect((await fetch(url(port, '/readyz'))).status).toBe(200);
    }
    const run = await fetch(url(3001, '/jobs/import-all?dry_run=1'), {
      method: 'POST',
      headers: { Authorization: `Bearer ${secrets.jobToken}` },
    });
    expect(run.status).toBe(200);
    expect(await run.json()).toMatchObject({ job: 'import-all', dryRun: true, status: 'succeeded' });
    const unauthenticated = await fetch(url(3004, '/jobs/sync?dry_run=1'), { method: 'POST' });
    expect(unauthenticated.status).toBe(401);

    const exited = new Promise<number | null>((resolve) => started.once('exit', (code) => resolve(code)));
    started.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(output).toContain('[start] stopped');
    await expect(fetch(url(3001, '/healthz'))).rejects.toThrow();
  }, 150_000);
});
