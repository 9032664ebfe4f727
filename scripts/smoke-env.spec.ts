import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { createTestDatabase, type TestDatabase } from '@app/db';
import { smokeEnv } from './smoke-env.mjs';

/**
 * The container smoke test's settings (docker/smoke-test.sh) are a configuration each app accepts
 * in production: each built app starts with them (NODE_ENV=production, IAM job auth, the cloud's
 * backends) and answers /healthz, here as a process, in CI inside its image.
 */
const root = path.resolve('.');
const apps = (
  JSON.parse(readFileSync(path.join(root, 'apps/manifest.json'), 'utf8')) as { apps: { name: string }[] }
).apps.map((app) => app.name);

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

interface Started {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function start(app: string, env: Record<string, string>): Started {
  let output = '';
  const child = spawn(process.execPath, [path.join(root, 'dist/apps', app, 'main.js')], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

async function healthz(
  port: number,
  started: Started,
  timeoutMs = 20_000,
): Promise<{ status: number; body: unknown }> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (started.child.exitCode !== null)
      throw new Error(`exited ${started.child.exitCode}:\n${started.output()}`);
    try {
      const response = await fetch(`http://127.0.0.1:${port}/healthz`);
      return { status: response.status, body: await response.json() };
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  throw new Error(`no answer on /healthz within ${timeoutMs} ms:\n${started.output()}`);
}

async function stop(started: Started): Promise<void> {
  if (started.child.exitCode === null) started.child.kill('SIGTERM');
  await started.exited;
}

describe('the smoke test configuration (scripts/smoke-env.mjs)', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    const { build } = (await import(path.join(root, 'scripts/build.mjs'))) as {
      build: (options: { ifNeeded: boolean }) => Promise<void>;
    };
    await build({ ifNeeded: true });
    db = await createTestDatabase();
  }, 120_000);
  afterAll(async () => {
    await db.drop();
  });

  it.each(apps)(
    '%s starts in production with it, answers /healthz, and reaches its database through the bundled Prisma client (/readyz)',
    async (app) => {
      const port = await freePort();
      const env: Record<string, string> = { ...smokeEnv(app, db.url), PORT: String(port) };
      expect(env).toMatchObject({ NODE_ENV: 'production', DATABASE_URL: db.url });
      expect(['iam', 'oidc']).toContain(env['JOB_AUTH_MODE']);
      const started = start(app, env);
      try {
        expect(await healthz(port, started)).toEqual({ status: 200, body: { status: 'ok' } });
        const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
        expect({ status: ready.status, body: await ready.json() }).toMatchObject({
          status: 200,
          body: { status: 'ok', database: 'ok' },
        });
      } finally {
        await stop(started);
      }
    },
    60_000,
  );

  it('fails the way a broken configuration would: no DATABASE_URL, no start', async () => {
    const port = await freePort();
    const env: Record<string, string> = { ...smokeEnv('cufs-api', db.url), PORT: String(port) };
    delete env.DATABASE_URL;
    const started = start('cufs-api', env);
    expect(await started.exited).not.toBe(0);
    expect(started.output()).toContain('DATABASE_URL: is required in production');
  }, 60_000);
});
