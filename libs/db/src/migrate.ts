import { createHash, randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';

/**
 * Applies `prisma/migrations/<name>/migration.sql` in name order, each in its own transaction,
 * recording them in a `_prisma_migrations` table laid out as Prisma's own, with the same SHA-256
 * checksum, so `prisma migrate deploy` can take over wherever its schema engine can run.
 */
export interface MigrationFile {
  name: string;
  sql: string;
  checksum: string;
}

export interface AppliedMigration {
  name: string;
  checksum: string;
  finishedAt: Date | null;
}

export interface MigrationStatus {
  applied: AppliedMigration[];
  pending: MigrationFile[];
  /** Applied migrations whose file has changed since. */
  modified: MigrationFile[];
  /** Recorded in the database but absent from the folder. */
  missing: string[];
}

export class MigrationError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MigrationError';
  }
}

/** Prisma's own lock id for migrations, so our command and `prisma migrate` never run together. */
const MIGRATION_LOCK_ID = 72707369;

const CREATE_TABLE = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id" VARCHAR(36) PRIMARY KEY NOT NULL,
  "checksum" VARCHAR(64) NOT NULL,
  "finished_at" TIMESTAMPTZ,
  "migration_name" VARCHAR(255) NOT NULL,
  "logs" TEXT,
  "rolled_back_at" TIMESTAMPTZ,
  "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
  "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;

/**
 * `prisma/migrations` of the repository or image this code belongs to, found from this file's own
 * location rather than the current directory: three levels up from `libs/db/src/migrate.ts` (tests,
 * tsc), from `dist/libs/db/migrate.js` (npm start, benchmarks) and from `/app/dist/libs/db/migrate.js`
 * (the image, which copies the migrations to /app/prisma/migrations).
 */
export function defaultMigrationsDir(): string {
  return fileURLToPath(new URL('../../../prisma/migrations', import.meta.url));
}

export async function readMigrations(dir: string = defaultMigrationsDir()): Promise<MigrationFile[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch((error: unknown) => {
    const code = (error as NodeJS.ErrnoException | undefined)?.code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new MigrationError(`Migrations folder not found: ${dir}`, { cause: error });
    }
    throw error;
  });
  const names = entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  return Promise.all(
    names.map(async (name) => {
      const sql = await readFile(path.join(dir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    }),
  );
}

async function readApplied(client: pg.ClientBase): Promise<AppliedMigration[]> {
  const exists = await client.query<{ present: boolean }>(
    `SELECT to_regclass('"_prisma_migrations"') IS NOT NULL AS present`,
  );
  if (!exists.rows[0]?.present) return [];
  const result = await client.query<{ migration_name: string; checksum: string; finished_at: Date | null }>(
    `SELECT migration_name, checksum, finished_at FROM "_prisma_migrations"
      WHERE rolled_back_at IS NULL ORDER BY migration_name`,
  );
  return result.rows.map((r) => ({
    name: r.migration_name,
    checksum: r.checksum,
    finishedAt: r.finished_at,
  }));
}

function compare(files: MigrationFile[], applied: AppliedMigration[]): MigrationStatus {
  const byName = new Map(applied.map((a) => [a.name, a]));
  const fileNames = new Set(files.map((f) => f.name));
  return {
    applied,
    pending: files.filter((f) => !byName.has(f.name)),
    modified: files.filter((f) => {
      const a = byName.get(f.name);
      return a !== undefined && a.checksum !== f.checksum;
    }),
    missing: applied.filter((a) => !fileNames.has(a.name)).map((a) => a.name),
  };
}

async function withClient<T>(connectionString: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  // Loaded here, not with the module: an app's boot loads this module but migrates only in local runs.
  // (Not through node-postgres.ts: the test setup runs this file as it is, with Node's type stripping.)
  const { default: pgModule } = await import('pg');
  const client = new pgModule.Client({ connectionString, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export async function migrationStatus(
  connectionString: string,
  dir: string = defaultMigrationsDir(),
): Promise<MigrationStatus> {
  const files = await readMigrations(dir);
  return withClient(connectionString, async (client) => compare(files, await readApplied(client)));
}

/** Applies pending migrations; returns the names applied. Running it again applies nothing. */
export async function migrate(
  connectionString: string,
  dir: string = defaultMigrationsDir(),
  log: (line: string) => void = () => undefined,
): Promise<string[]> {
  const files = await readMigrations(dir);
  return withClient(connectionString, async (client) => {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_ID]);
    try {
      await client.query(CREATE_TABLE);
      const status = compare(files, await readApplied(client));
      const unfinished = status.applied.filter((a) => a.finishedAt === null);
      if (unfinished.length > 0) {
        throw new MigrationError(
          `Migration ${unfinished.map((u) => u.name).join(', ')} was started but never finished; ` +
            'resolve it by hand (see `prisma migrate resolve`) before migrating again.',
        );
      }
      if (status.modified.length > 0) {
        throw new MigrationError(
          `Migration file changed after it was applied: ${status.modified.map((m) => m.name).join(', ')}. ` +
            'Applied migrations must never be edited; revert the file and add a new migration instead.',
        );
      }
      const appliedNames: string[] = [];
      for (const file of status.pending) {
        await client.query('BEGIN');
        try {
          await client.query(file.sql);
          await client.query(
            `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, finished_at, applied_steps_count)
             VALUES ($1, $2, $3, now(), now(), 1)`,
            [randomUUID(), file.checksum, file.name],
          );
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK').catch(() => undefined);
          const reason = error instanceof Error ? error.message : String(error);
          throw new MigrationError(`Migration ${file.name} failed and was rolled back: ${reason}`, {
            cause: error,
          });
        }
        appliedNames.push(file.name);
        log(`applied ${file.name}`);
      }
      return appliedNames;
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_ID]).catch(() => undefined);
    }
  });
}
