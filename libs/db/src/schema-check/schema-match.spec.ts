import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import path from 'node:path';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '../testing.js';
import { readDatabaseShape } from './database-schema.reader.js';
import { expectedShape } from './expected-shape.js';
import { readPrismaSchema } from './prisma-schema.parser.js';
import type { PrismaSchema } from './prisma-schema.types.js';
import { diffShapes } from './schema-diff.js';
import type { DatabaseShape } from './schema-shape.js';

describe('the migrated database matches prisma/schema', () => {
  let db: TestDatabase;
  let client: pg.Client;
  let schema: PrismaSchema;
  let expected: DatabaseShape;
  let asMigrated: string[];

  const diff = async () => diffShapes(expected, await readDatabaseShape(client, schema.schemas));

  /** Applies `sql` inside a transaction, diffs, and rolls back: the database stays as migrated. */
  async function diffAfter(sql: string): Promise<string[]> {
    await client.query('BEGIN');
    try {
      await client.query(sql);
      return await diff();
    } finally {
      await client.query('ROLLBACK');
    }
  }

  beforeAll(async () => {
    schema = await readPrismaSchema(path.resolve('prisma/schema'));
    expected = expectedShape(schema);
    db = await createTestDatabase();
    client = new pg.Client({ connectionString: db.url });
    await client.connect();
    asMigrated = await diff();
  });
  afterAll(async () => {
    await client?.end();
    await db?.drop();
  });

  it('has no differences', () => {
    const lines = asMigrated;
    expect(`${lines.length} difference(s)\n${lines.join('\n')}`).toBe('0 difference(s)\n');
  });

  it('reads the platform tables it is meant to compare (the check is not vacuous)', async () => {
    const actual = await readDatabaseShape(client, schema.schemas);
    const names = actual.tables.map((t) => `${t.schema}.${t.name}`);
    expect(names).toEqual(
      expect.arrayContaining(['platform.job_run', 'platform.audit_event', 'platform.outbox_email']),
    );
    expect(names).not.toContain('public._prisma_migrations');
    const jobRun = actual.tables.find((t) => t.name === 'job_run');
    expect(jobRun?.columns.find((c) => c.name === 'status')).toEqual({
      name: 'status',
      type: 'platform.JobRunStatus',
      nullable: false,
      default: { kind: 'none' },
    });
  });

  // Each change runs in a transaction that is rolled back, so every case starts from the migrated database.
  it.each([
    [
      'a column that became nullable',
      'ALTER TABLE platform.job_run ALTER COLUMN app DROP NOT NULL',
      ['platform.job_run.app: nullability differs: expected NOT NULL, found nullable'],
    ],
    [
      'a dropped unique index',
      'DROP INDEX platform.outbox_email_dedupe_key_key',
      ['platform.outbox_email: missing unique (dedupe_key)'],
    ],
    [
      'a changed default',
      'ALTER TABLE platform.outbox_email ALTER COLUMN attempts SET DEFAULT 1',
      ['platform.outbox_email.attempts: default differs: expected 0, found 1'],
    ],
    [
      'a dropped autoincrement default',
      'ALTER TABLE platform.audit_event ALTER COLUMN id DROP DEFAULT',
      ['platform.audit_event.id: default differs: expected autoincrement (nextval), found none'],
    ],
    [
      'a changed enum default',
      `ALTER TABLE platform.outbox_email ALTER COLUMN status SET DEFAULT 'sent'`,
      [`platform.outbox_email.status: default differs: expected 'pending', found 'sent'`],
    ],
    [
      'a dropped foreign key',
      'ALTER TABLE platform.audit_event DROP CONSTRAINT audit_event_run_id_fkey',
      ['platform.audit_event: missing foreign key (run_id) -> platform.job_run(id)'],
    ],
    [
      'a foreign key with other actions',
      `ALTER TABLE platform.audit_event DROP CONSTRAINT audit_event_run_id_fkey;
       ALTER TABLE platform.audit_event ADD CONSTRAINT audit_event_run_id_fkey FOREIGN KEY (run_id)
         REFERENCES platform.job_run(id) ON DELETE CASCADE ON UPDATE RESTRICT`,
      [
        'platform.audit_event: foreign key (run_id) -> platform.job_run(id): ON DELETE differs: expected SET NULL, found CASCADE',
        'platform.audit_event: foreign key (run_id) -> platform.job_run(id): ON UPDATE differs: expected CASCADE, found RESTRICT',
      ],
    ],
    [
      'a changed column type',
      'ALTER TABLE platform.job_run ALTER COLUMN job TYPE varchar(50)',
      ['platform.job_run.job: type differs: expected text, found character varying(50)'],
    ],
    [
      'a timestamp without its time zone',
      'ALTER TABLE platform.job_run ALTER COLUMN finished_at TYPE timestamp(3)',
      [
        'platform.job_run.finished_at: type differs: expected timestamp(3) with time zone, found timestamp(3) without time zone',
      ],
    ],
    ['a missing table', 'DROP TABLE platform.outbox_email', ['platform.outbox_email: missing table']],
    [
      'an extra table in a datasource schema',
      'CREATE TABLE platform.stray (id int)',
      ['platform.stray: extra table (not in schema.prisma)'],
    ],
    [
      'an extra column',
      'ALTER TABLE platform.job_run ADD COLUMN note text',
      ['platform.job_run.note: extra column (not in schema.prisma)'],
    ],
    [
      'a missing column',
      'ALTER TABLE platform.job_run DROP COLUMN error',
      ['platform.job_run.error: missing column'],
    ],
    [
      'a dropped index',
      'DROP INDEX platform.job_run_app_job_started_at_idx',
      ['platform.job_run: missing index (app, job, started_at DESC)'],
    ],
    [
      'an index in the wrong sort order',
      `DROP INDEX platform.job_run_app_job_started_at_idx;
       CREATE INDEX job_run_app_job_started_at_idx ON platform.job_run (app, job, started_at)`,
      [
        'platform.job_run: missing index (app, job, started_at DESC)',
        'platform.job_run: extra index (app, job, started_at) ("job_run_app_job_started_at_idx", not in schema.prisma)',
      ],
    ],
    [
      'a renamed index',
      'ALTER INDEX platform.audit_event_run_id_idx RENAME TO audit_event_run',
      ['platform.audit_event: index (run_id) is named "audit_event_run", expected "audit_event_run_id_idx"'],
    ],
    [
      'an extra enum value',
      `ALTER TYPE platform."OutboxStatus" ADD VALUE 'bounced'`,
      [
        'enum platform.OutboxStatus: values differ: expected [pending,sent,dead], found [pending,sent,dead,bounced]',
      ],
    ],
    [
      'a dropped primary key',
      'ALTER TABLE platform.outbox_email DROP CONSTRAINT outbox_email_pkey',
      ['platform.outbox_email: missing primary key (id)'],
    ],
  ])('reports %s', async (_case, sql, mismatches) => {
    const baseline = await diff();
    const lines = await diffAfter(sql);
    expect([...lines].sort()).toEqual([...baseline, ...mismatches].sort());
  });

  it('ignores tables outside the datasource schemas', async () => {
    const baseline = await diff();
    expect(await diffAfter('CREATE TABLE public.stray (id int)')).toEqual(baseline);
  });

  it('is back to the migrated state after the cases above', async () => {
    expect(await diff()).toEqual(asMigrated);
  });
});
