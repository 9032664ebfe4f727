import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTestDatabase, readMigrations, type TestDatabase } from '@app/db';

/**
 * `npm run db:migrate` (scripts/db-migrate.mjs, also the image's migrate command) finds the
 * migrations from the code's own location, so it works from any directory; where the folder is
 * missing it stops with one line naming the path.
 */
const root = fileURLToPath(new URL('..', import.meta.url));

function run(
  script: string,
  args: string[],
  options: { cwd: string; env: Record<string, string> },
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('db-migrate command', () => {
  let db: TestDatabase;
  let elsewhere: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    elsewhere = await mkdtemp(path.join(os.tmpdir(), 'usp-migrate-cwd-'));
  });
  afterAll(async () => {
    await db.drop();
    await rm(elsewhere, { recursive: true, force: true });
  });

  it('reads the repository migrations when started from another directory', async () => {
    const names = (await readMigrations()).map((m) => m.name);
    expect(names.length).toBeGreaterThan(0);
    const script = path.join(root, 'scripts/db-migrate.mjs');
    const applied = await run(script, [], { cwd: elsewhere, env: { DATABASE_URL: db.url } });
    expect(applied.stderr).toBe('');
    expect(applied.code).toBe(0);
    // The test database is a clone of the migrated template: every migration is found and applied.
    expect(applied.stdout).toContain('Database is up to date.');
    const status = await run(script, ['--status'], { cwd: elsewhere, env: { DATABASE_URL: db.url } });
    expect(status.code).toBe(0);
    for (const name of names) expect(status.stdout).toContain(`applied  ${name}`);
  }, 120_000);

  it('stops with one line naming the missing folder (image layout without prisma/migrations)', async () => {
    // The image's layout: /app/scripts/db-migrate.mjs, /app/dist/libs/db/migrate.js, no migrations.
    const image = path.join(elsewhere, 'app');
    await mkdir(path.join(image, 'scripts'), { recursive: true });
    await mkdir(path.join(image, 'dist/libs/db'), { recursive: true });
    await copyFile(path.join(root, 'scripts/db-migrate.mjs'), path.join(image, 'scripts/db-migrate.mjs'));
    await copyFile(path.join(root, 'dist/libs/db/migrate.js'), path.join(image, 'dist/libs/db/migrate.js'));
    await copyFile(path.join(root, 'package.json'), path.join(image, 'package.json'));
    await symlink(path.join(root, 'node_modules'), path.join(image, 'node_modules'));
    // Started from the repository root, whose prisma/migrations a cwd-relative lookup would find.
    const result = await run(path.join(image, 'scripts/db-migrate.mjs'), [], {
      cwd: root,
      env: { DATABASE_URL: db.url },
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`Migrations folder not found: ${path.join(image, 'prisma/migrations')}\n`);
  }, 60_000);
});
