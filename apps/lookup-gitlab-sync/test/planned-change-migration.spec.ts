import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { cp, mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { adminQuery, defaultMigrationsDir, migrate, withDatabaseName } from '@app/db';

const MOVING = '20261126000100_platform_planned_change';

/**
 * The migration that moves refused plans from gitlab_sync.planned_change to platform.planned_change
 * keeps them approvable: a plan refused before the deploy can still be approved after it.
 * Needs a server (an empty database of its own), so it is skipped on the embedded fallback.
 */
(process.env.USP_TEST_DB_MODE === 'server' ? describe : describe.skip)('migration ' + MOVING, () => {
  const adminUrl = process.env.USP_TEST_ADMIN_URL as string;
  const name = `usp_t_mig_${randomBytes(4).toString('hex')}`;
  const url = withDatabaseName(adminUrl ?? 'postgresql://x@127.0.0.1/x', name);
  let before: string;

  beforeAll(async () => {
    await adminQuery(adminUrl, `CREATE DATABASE "${name}"`);
    before = await mkdtemp(path.join(os.tmpdir(), 'usp-migrations-'));
    for (const entry of await readdir(defaultMigrationsDir())) {
      if (entry < MOVING)
        await cp(path.join(defaultMigrationsDir(), entry), path.join(before, entry), { recursive: true });
    }
  });
  afterAll(async () => {
    await adminQuery(adminUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await rm(before, { recursive: true, force: true });
  });

  it("moves each refused run's plan across with the sync's change keys", async () => {
    await migrate(url, before);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const run = await client.query<{ id: string }>(
        `INSERT INTO platform.job_run (app, job, trigger, dry_run, status)
         VALUES ('lookup-gitlab-sync', 'sync', 'scheduler', false, 'refused') RETURNING id`,
      );
      const runId = run.rows[0]?.id;
      await client.query(
        `INSERT INTO gitlab_sync.planned_change (run_id, user_id, action, reason, username, crsid) VALUES
           ($1, 7, 'block', 'cancelled_in_lookup', 'alice', 'ab123'),
           ($1, 3, 'unblock', 'no_longer_cancelled', 'bob', 'cd456')`,
        [runId],
      );
      // MOVING first, then any later migration of other apps.
      expect((await migrate(url))[0]).toBe(MOVING);
      const moved = await client.query(
        'SELECT position, change_key, change FROM platform.planned_change WHERE run_id = $1 ORDER BY position',
        [runId],
      );
      expect(moved.rows).toEqual([
        {
          position: 0,
          change_key: '3:unblock',
          change: {
            userId: 3,
            action: 'unblock',
            reason: 'no_longer_cancelled',
            username: 'bob',
            crsid: 'cd456',
          },
        },
        {
          position: 1,
          change_key: '7:block',
          change: {
            userId: 7,
            action: 'block',
            reason: 'cancelled_in_lookup',
            username: 'alice',
            crsid: 'ab123',
          },
        },
      ]);
      const old = await client.query("SELECT to_regclass('gitlab_sync.planned_change') AS t");
      expect(old.rows[0]).toEqual({ t: null });
    } finally {
      await client.end();
    }
  });
});
