import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, mkdir, writeFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  createTestDatabase,
  defaultMigrationsDir,
  migrate,
  migrationStatus,
  MigrationError,
  adminQuery,
  type TestDatabase,
} from './index.js';

describe('migrate', () => {
  let db: TestDatabase;
  let dir: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    dir = await mkdtemp(path.join(os.tmpdir(), 'usp-migrations-'));
    await addMigration(
      '20260101000000_first',
      'CREATE SCHEMA mig_test; CREATE TABLE mig_test.a (id int PRIMARY KEY);',
    );
    await addMigration('20260102000000_second', 'CREATE TABLE mig_test.b (id int PRIMARY KEY);');
  });
  afterAll(async () => {
    await db.drop();
    await rm(dir, { recursive: true, force: true });
  });

  async function addMigration(name: string, sql: string) {
    await mkdir(path.join(dir, name), { recursive: true });
    await writeFile(path.join(dir, name, 'migration.sql'), sql);
  }

  it('applies pending migrations in order and records them like Prisma does', async () => {
    const before = await migrationStatus(db.url, dir);
    expect(before.pending.map((p) => p.name)).toEqual(['20260101000000_first', '20260102000000_second']);
    expect(await migrate(db.url, dir)).toEqual(['20260101000000_first', '20260102000000_second']);
    const rows = await adminQuery(
      db.url,
      `SELECT migration_name, length(checksum) AS len, finished_at IS NOT NULL AS finished, applied_steps_count
         FROM "_prisma_migrations" WHERE migration_name LIKE '2026010%' ORDER BY migration_name`,
    );
    expect(rows.rows).toEqual([
      { migration_name: '20260101000000_first', len: 64, finished: true, applied_steps_count: 1 },
      { migration_name: '20260102000000_second', len: 64, finished: true, applied_steps_count: 1 },
    ]);
  });

  it('changes nothing when run twice', async () => {
    expect(await migrate(db.url, dir)).toEqual([]);
    const status = await migrationStatus(db.url, dir);
    expect(status.pending).toEqual([]);
    expect(status.applied.map((a) => a.name)).toContain('20260102000000_second');
  });

  it('rolls back a failing migration entirely and records nothing', async () => {
    await addMigration(
      '20260103000000_broken',
      'CREATE TABLE mig_test.c (id int); SELECT * FROM no_such_table;',
    );
    await expect(migrate(db.url, dir)).rejects.toThrow(/20260103000000_broken failed and was rolled back/);
    const table = await adminQuery(db.url, `SELECT to_regclass('mig_test.c') IS NULL AS absent`);
    expect(table.rows[0]).toEqual({ absent: true });
    expect((await migrationStatus(db.url, dir)).pending.map((p) => p.name)).toEqual([
      '20260103000000_broken',
    ]);
    await rm(path.join(dir, '20260103000000_broken'), { recursive: true });
  });

  it('refuses to run when an applied migration file was edited', async () => {
    await addMigration(
      '20260101000000_first',
      'CREATE SCHEMA mig_test; CREATE TABLE mig_test.a (id bigint PRIMARY KEY);',
    );
    await expect(migrate(db.url, dir)).rejects.toBeInstanceOf(MigrationError);
    await expect(migrate(db.url, dir)).rejects.toThrow(/changed after it was applied: 20260101000000_first/);
    expect((await migrationStatus(db.url, dir)).modified.map((m) => m.name)).toEqual([
      '20260101000000_first',
    ]);
  });

  it('finds prisma/migrations from its own location, not from the current directory', () => {
    const repositoryRoot = fileURLToPath(new URL('../../..', import.meta.url));
    expect(defaultMigrationsDir()).toBe(path.join(repositoryRoot, 'prisma/migrations'));
  });

  it('says in one line which migrations folder is missing', async () => {
    const missing = path.join(dir, 'no-such-folder');
    const failure = migrate(db.url, missing);
    await expect(failure).rejects.toBeInstanceOf(MigrationError);
    await expect(failure).rejects.toMatchObject({ message: `Migrations folder not found: ${missing}` });
    await expect(migrationStatus(db.url, missing)).rejects.toThrow(`Migrations folder not found: ${missing}`);
  });
});
