import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { adminQuery, withDatabaseName } from '@app/db';
import { ELLA_SCHEMA_SQL, ellaOpsGrantsSql } from '../../../simulators/ella/ella-schema.js';
import { seedEllaDemo } from '../../../simulators/ella/ella-demo-data.js';

export interface EllaTestDatabase {
  /** As the database's owner: for arranging and checking rows. */
  ownerUrl: string;
  /** As a least-privileged role with the grants ella-ops's README recommends (no `uiexception.state`). */
  readerUrl: string;
  query<R extends pg.QueryResultRow>(sql: string, params?: unknown[]): Promise<pg.QueryResult<R>>;
  drop(): Promise<void>;
}

/**
 * An ELLA database of the test's own (not a clone of ours: ELLA's tables, made by our fixture of
 * ELLA's schema) on the test PostgreSQL server, seeded relative to `now`, with a role that may not
 * read `uiexception.state`.
 */
export async function createEllaTestDatabase(now: Date): Promise<EllaTestDatabase> {
  // The test PostgreSQL server libs/db's Jest setup found (USP_TEST_ADMIN_URL), as createTestDatabase uses.
  const adminUrl = process.env.USP_TEST_ADMIN_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
  const suffix = randomBytes(4).toString('hex');
  const name = `usp_ella_${process.env.USP_TEST_RUN_ID ?? 'x'}_${suffix}`;
  const role = `usp_ella_reader_${suffix}`;
  await adminQuery(adminUrl, `CREATE DATABASE "${name}"`);
  await adminQuery(adminUrl, `CREATE ROLE "${role}" LOGIN`);
  const ownerUrl = withDatabaseName(adminUrl, name);
  const readerUrl = (() => {
    const url = new URL(ownerUrl);
    url.username = role;
    url.password = '';
    return url.toString();
  })();
  const pool = new pg.Pool({ connectionString: ownerUrl, max: 2 });
  const drop = async () => {
    await pool.end();
    await adminQuery(adminUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await adminQuery(adminUrl, `DROP ROLE IF EXISTS "${role}"`);
  };
  try {
    const client = await pool.connect();
    try {
      await client.query(ELLA_SCHEMA_SQL);
      await client.query(ellaOpsGrantsSql(role));
      await seedEllaDemo(client, now);
    } finally {
      client.release();
    }
  } catch (error) {
    await drop().catch(() => undefined);
    throw error;
  }
  return { ownerUrl, readerUrl, query: (sql, params) => pool.query(sql, params), drop };
}
