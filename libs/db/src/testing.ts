import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type pg from 'pg';
import { nodePostgres } from './node-postgres.js';
import { startEmbeddedDatabase } from './embedded-database.js';
import { migrate } from './migrate.js';
import { connectedPrismaClient, type PrismaService } from './prisma.service.js';

/**
 * Test databases. The Jest global setup (libs/db/test-setup) decides once per run whether a
 * PostgreSQL server answers and, if so, builds a migrated template database; each test file then
 * gets its own clone. Without a server each test file gets its own in-memory embedded database.
 */
export interface TestDatabase {
  url: string;
  /** The PrismaService of this database (the same one on every call); disconnected by drop(). */
  prisma(): PrismaService;
  drop(): Promise<void>;
}

export const TEST_ENV = {
  mode: 'USP_TEST_DB_MODE',
  adminUrl: 'USP_TEST_ADMIN_URL',
  template: 'USP_TEST_TEMPLATE_DB',
  runId: 'USP_TEST_RUN_ID',
} as const;

export const DEFAULT_TEST_DATABASE_URL = 'postgresql://postgres@127.0.0.1:5432/postgres';

export function withDatabaseName(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

export async function createTestDatabase(): Promise<TestDatabase> {
  // One client per test database, made on first use: a spec may call prisma() in every assertion
  // without opening a new pool each time (that exhausted the server's connections).
  // The whole schema's client (tests span apps), loaded here so that prisma() can stay synchronous.
  const { PrismaClient } = await import('./generated/client.js');
  let client: PrismaService | undefined;
  const prismaFor = (url: string) => () =>
    (client ??= connectedPrismaClient(PrismaClient, { url, poolSize: 5, connectTimeoutMs: 5000 }));
  const disconnectAll = async () => {
    await client?.$disconnect();
    client = undefined;
  };

  if (process.env[TEST_ENV.mode] === 'server') {
    const adminUrl = process.env[TEST_ENV.adminUrl] as string;
    const template = process.env[TEST_ENV.template] as string;
    const name = `usp_t_${process.env[TEST_ENV.runId] ?? 'x'}_${randomBytes(4).toString('hex')}`;
    await adminQuery(adminUrl, `CREATE DATABASE "${name}" TEMPLATE "${template}"`);
    const url = withDatabaseName(adminUrl, name);
    return {
      url,
      prisma: prismaFor(url),
      async drop() {
        await disconnectAll();
        await adminQuery(adminUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      },
    };
  }

  const embedded = await startEmbeddedDatabase();
  await migrate(embedded.url, path.resolve('prisma/migrations'));
  return {
    url: embedded.url,
    prisma: prismaFor(embedded.url),
    async drop() {
      await disconnectAll();
      await embedded.stop();
    },
  };
}

export async function adminQuery(url: string, sql: string, params: unknown[] = []): Promise<pg.QueryResult> {
  const client = new (nodePostgres().Client)({ connectionString: url, connectionTimeoutMillis: 3000 });
  await client.connect();
  try {
    return await client.query(sql, params);
  } finally {
    await client.end();
  }
}
