import { TestBrowser } from '@app/testing';
import { afterAll, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/**
 * `npm start` itself, as a newcomer runs it: builds, starts the embedded database, every app of
 * apps/manifest.json and the simulators they need (GitLab, Lookup), prints the URLs and the token; the printed token runs a dry-run job; Ctrl-C (SIGINT)
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
    // Ctrl-C first, so that npm start stops its apps and simulators; SIGKILL only if it does not exit.
    const running = child;
    if (running && running.exitCode === null && running.signalCode === null) {
      const exited = new Promise((resolve) => running.once('exit', resolve));
      running.kill('SIGINT');
      const timer = setTimeout(() => running.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(timer);
    }
    await rm(dataDir, { recursive: true, force: true });
  }, 60_000);

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
    expect(output).toContain(`cufs-api             ${url(3003, '')}`);
    expect(output).toContain(`storage-gateway      ${url(3002, '')}`);
    expect(output).not.toContain('not healthy');
    const secrets = JSON.parse(await readFile(path.join(dataDir, 'local-secrets.json'), 'utf8')) as {
      jobToken: string;
    };
    expect(output).toContain(secrets.jobToken);

    for (const port of [3001, 3002, 3003, 3004]) {
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

    // The simulators the manifest lists for lookup-gitlab-sync, on its ports, wired into its settings.
    expect(output).toContain(`[start] simulator gitlab: ${url(4101, '')}`);
    expect(output).toContain(`[start] simulator lookup: ${url(4102, '/api/v1')}`);
    expect(output).not.toContain('simulator sheets');
    expect(output).toContain(`${url(3004, '/jobs/sync?dry_run=1')}`);
    const sync = await fetch(url(3004, '/jobs/sync?dry_run=1'), {
      method: 'POST',
      headers: { Authorization: `Bearer ${secrets.jobToken}` },
    });
    expect(sync.status).toBe(200);
    const syncRun = (await sync.json()) as { job: string; dryRun: boolean; status: string };
    expect(syncRun).toMatchObject({ job: 'sync', dryRun: true });
    // Reached both simulators: a run that could not read them would be `failed`.
    expect(['succeeded', 'refused']).toContain(syncRun.status);

    // cufs-api checks a demo code against the CUFS simulator (OAuth2 with the local client secret).
    expect(output).toContain(`[start] simulator cufs: ${url(4105, '')}`);
    const checked = await fetch(url(3003, '/finance-codes/check'), {
      method: 'POST',
      headers: { Authorization: `Bearer ${secrets.jobToken}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ code: 'U.PN.PNLI.AAAA.ELKZ.0000' }),
    });
    expect(checked.status).toBe(200);
    expect(await checked.json()).toMatchObject({ valid: true, kind: 'gl' });
    expect(await (await fetch(url(3003, '/readyz'))).json()).toMatchObject({ cufs: 'ok' });

    // storage-gateway: a person signs in through the local OIDC provider and sees the demo products.
    expect((await fetch(url(3002, '/api/products'))).status).toBe(401);
    const browser = new TestBrowser();
    const chooser = await browser.follow(url(3002, '/auth/login?returnTo=%2Fapi%2Fproducts'));
    const action = /<form method="post" action="([^"]+)"/.exec(chooser.text)?.[1] ?? '';
    const products = await browser.follow(new URL(action, chooser.url).href, { form: { person: 'rr101' } });
    expect(products.status).toBe(200);
    expect(products.json<{ code: string }[]>().map((p) => p.code)).toEqual(['IFS', 'RCS', 'RDS', 'RFS']);
    const renewals = await fetch(url(3002, '/jobs/renewals?dry_run=1'), {
      method: 'POST',
      headers: { Authorization: `Bearer ${secrets.jobToken}` },
    });
    expect(renewals.status).toBe(200);

    const exited = new Promise<number | null>((resolve) => started.once('exit', (code) => resolve(code)));
    started.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(output).toContain('[start] stopped');
    await expect(fetch(url(3001, '/healthz'))).rejects.toThrow();
  }, 150_000);
});
