// Runs once per `jest` run (plain ESM: Jest loads global setup outside its module mapper).
// With a PostgreSQL server at TEST_DATABASE_URL (default: the local one) it builds a migrated
// template database named after the migrations' checksums, so it is built once and reused until a
// migration changes; each test file clones it (libs/db/src/testing.ts). Without a server, test
// files fall back to embedded databases and this says so.
import { createHash, randomBytes } from 'node:crypto';
import path from 'node:path';
import pg from 'pg';
import { migrate, readMigrations } from '../src/migrate.ts';

const DEFAULT_URL = 'postgresql://postgres@127.0.0.1:5432/postgres';

async function query(url, sql, params = []) {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  await client.connect();
  try {
    return await client.query(sql, params);
  } finally {
    await client.end();
  }
}

function withDatabase(url, name) {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

function redact(url) {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}

export default async function globalSetup() {
  const adminUrl = process.env.TEST_DATABASE_URL ?? DEFAULT_URL;
  process.env.USP_TEST_RUN_ID = randomBytes(3).toString('hex');
  try {
    await query(adminUrl, 'SELECT 1');
  } catch (error) {
    // Only "nobody is there" means fall back. A server that answers with an error (wrong password,
    // missing role or database) is a set-up mistake to fix, not a reason to test something else.
    const unreachable =
      ['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ETIMEDOUT', 'EAI_AGAIN'].includes(error?.code) ||
      /timeout|terminated/i.test(String(error?.message));
    if (!unreachable) {
      throw new Error(`PostgreSQL at ${redact(adminUrl)} answered with an error: ${error?.message}`, {
        cause: error,
      });
    }
    process.env.USP_TEST_DB_MODE = 'embedded';
    console.log(
      `\n[test-db] No PostgreSQL answered at ${redact(adminUrl)}: falling back to the embedded database (PGlite), one per test file.`,
    );
    return;
  }
  const migrationsDir = path.resolve('prisma/migrations');
  const files = await readMigrations(migrationsDir);
  const digest = createHash('sha256')
    .update(files.map((f) => `${f.name}:${f.checksum}`).join('\n'))
    .digest('hex')
    .slice(0, 12);
  const template = `usp_tpl_${digest}`;
  const lock = new pg.Client({ connectionString: adminUrl });
  await lock.connect();
  try {
    // Serialise template creation across concurrent test runs on one server.
    await lock.query('SELECT pg_advisory_lock(8145001)');
    const exists = await query(adminUrl, 'SELECT 1 FROM pg_database WHERE datname = $1', [template]);
    if (exists.rowCount === 0) {
      const building = `${template}_building`;
      await query(adminUrl, `DROP DATABASE IF EXISTS "${building}" WITH (FORCE)`);
      await query(adminUrl, `CREATE DATABASE "${building}"`);
      await migrate(withDatabase(adminUrl, building), migrationsDir);
      await query(adminUrl, `ALTER DATABASE "${building}" RENAME TO "${template}"`);
    }
  } finally {
    await lock.end();
  }
  process.env.USP_TEST_DB_MODE = 'server';
  process.env.USP_TEST_ADMIN_URL = adminUrl;
  process.env.USP_TEST_TEMPLATE_DB = template;
  console.log(`\n[test-db] PostgreSQL at ${redact(adminUrl)}; each test file gets a clone of ${template}.`);
}
