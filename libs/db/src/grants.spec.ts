import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { grantAppRoles, parseAppGrants } from './grants.js';
import { adminQuery, createTestDatabase, type TestDatabase } from './testing.js';

/**
 * An app's database role may read and write its own schema and `platform`, nothing else, and may
 * not change the schema; tables later migrations create are covered too. Checked by logging in as
 * the role on a migrated database (real PostgreSQL; roles are server-wide, so this file makes its
 * own with a unique name and drops them).
 */
describe('grantAppRoles', () => {
  let db: TestDatabase;
  const role = `covid-pool-run-${randomUUID().slice(0, 8)}@project-1.iam`;

  beforeAll(async () => {
    db = await createTestDatabase();
    await adminQuery(db.url, `CREATE ROLE "${role}" LOGIN`);
  });
  afterAll(async () => {
    await db.drop();
    await adminQuery(db.url.replace(/\/[^/?]+(\?|$)/, '/postgres$1'), `DROP ROLE IF EXISTS "${role}"`);
  });

  async function asRole<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
    const url = new URL(db.url);
    url.username = encodeURIComponent(role);
    url.password = '';
    const client = new pg.Client({ connectionString: url.toString() });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  }
  const denied = (sql: string) =>
    asRole((client) => client.query(sql)).then(
      () => 'allowed',
      (error: Error) => error.message,
    );

  it('before: the role can read nothing', async () => {
    expect(await denied('SELECT count(*) FROM covid_pool.college')).toMatch(/permission denied/);
  });

  it('gives its schemas and platform, reports a missing role or schema, and changes nothing else', async () => {
    const outcomes = await grantAppRoles(db.url, [
      { role, schemas: ['covid_pool', 'platform', 'not_migrated_yet'] },
      { role: 'essm-sync-run@project-1.iam-not-created', schemas: ['essm', 'platform'] },
    ]);
    expect(outcomes).toEqual([
      { role, granted: ['covid_pool', 'platform'], missingRole: false, missingSchemas: ['not_migrated_yet'] },
      { role: 'essm-sync-run@project-1.iam-not-created', granted: [], missingRole: true, missingSchemas: [] },
    ]);

    expect(await denied('SELECT count(*) FROM covid_pool.college')).toBe('allowed');
    expect(await denied('SELECT count(*) FROM platform.job_run')).toBe('allowed');
    expect(await denied('DELETE FROM platform.outbox_email WHERE false')).toBe('allowed');
    // Another app's schema, and DDL in its own: refused.
    expect(await denied('SELECT count(*) FROM gitlab_sync.blocked_user')).toMatch(/permission denied/);
    expect(await denied('CREATE TABLE covid_pool.mine (id int)')).toMatch(/permission denied/);
    expect(await denied('DROP TABLE covid_pool.college')).toMatch(/must be owner/);
  });

  it('covers tables and sequences a later migration creates, and running it again changes nothing', async () => {
    await adminQuery(db.url, 'CREATE TABLE covid_pool.later (id bigserial PRIMARY KEY, note text)');
    expect(await denied("INSERT INTO covid_pool.later (note) VALUES ('a row')")).toBe('allowed');
    expect(await grantAppRoles(db.url, [{ role, schemas: ['covid_pool', 'platform'] }])).toEqual([
      { role, granted: ['covid_pool', 'platform'], missingRole: false, missingSchemas: [] },
    ]);
    expect(await denied('SELECT count(*) FROM covid_pool.later')).toBe('allowed');
  });

  it('reads DATABASE_APP_GRANTS and refuses what is not a role => schemas object', () => {
    expect(parseAppGrants('{"a@p.iam": ["covid_pool", "platform"], "b@p.iam": ["platform"]}')).toEqual([
      { role: 'a@p.iam', schemas: ['covid_pool', 'platform'] },
      { role: 'b@p.iam', schemas: ['platform'] },
    ]);
    expect(() => parseAppGrants('["a"]')).toThrow(/JSON object/);
    expect(() => parseAppGrants('{"a@p.iam": ["Robert\'); DROP TABLE x;--"]}')).toThrow(/schema names/);
  });
});
