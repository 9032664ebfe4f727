import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '@app/db';
import { type HeldLock, isHeld, RunLock } from './run-lock.js';

/** The lock for a run of a made-up id, or null when someone else holds it. */
async function acquire(lock: RunLock, key: string): Promise<HeldLock | null> {
  const attempt = await lock.tryAcquire(key, randomUUID());
  return isHeld(attempt) ? attempt : null;
}

// The embedded fallback database has one session shared by all connections: backend pids and
// terminations only mean something on a real server.
(process.env.USP_TEST_DB_MODE === 'server' ? describe : describe.skip)(
  'RunLock keeps lock connections between runs',
  () => {
    let db: TestDatabase;
    let admin: pg.Client;

    beforeAll(async () => {
      db = await createTestDatabase();
      admin = new pg.Client({ connectionString: db.url });
      await admin.connect();
    });
    afterAll(async () => {
      await admin.end();
      await db.drop();
    });

    /** Backends of this test file's own database holding an advisory lock (pg_locks is server-wide). */
    const lockHolders = async () =>
      (
        await admin.query<{ pid: number }>(
          `SELECT pid FROM pg_locks
            WHERE locktype = 'advisory' AND granted AND pid <> pg_backend_pid()
              AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
        )
      ).rows.map((row) => row.pid);
    const connected = async (pid: number) =>
      (await admin.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [pid])).rowCount === 1;

    it('gives the lock back on release and takes the next one on the same connection', async () => {
      const lock = new RunLock({ url: db.url, poolSize: 1, connectTimeoutMs: 5000 });
      try {
        const first = await acquire(lock, 'job:spec:first');
        const [firstPid] = await lockHolders();
        expect(firstPid).toBeDefined();
        await first?.release();
        expect(await lockHolders()).toEqual([]);
        expect(await connected(firstPid ?? 0)).toBe(true);

        const second = await acquire(lock, 'job:spec:second');
        expect(await lockHolders()).toEqual([firstPid]);
        await second?.release();
      } finally {
        await lock.onModuleDestroy();
      }
    });

    it('replaces a kept connection that died while idle, and closes kept ones at shutdown', async () => {
      const lock = new RunLock({ url: db.url, poolSize: 1, connectTimeoutMs: 5000 });
      try {
        const first = await acquire(lock, 'job:spec:dies');
        const [deadPid] = await lockHolders();
        await first?.release();
        await admin.query('SELECT pg_terminate_backend($1, 10000)', [deadPid]);

        const second = await acquire(lock, 'job:spec:dies');
        expect(second).not.toBeNull();
        expect(second?.lost).toBe(false);
        const [livePid] = await lockHolders();
        expect(livePid).toBeDefined();
        expect(livePid).not.toBe(deadPid);
        await second?.release();

        await lock.onModuleDestroy();
        // The backend leaves pg_stat_activity a moment after its client has closed the connection.
        for (let i = 0; i < 100 && (await connected(livePid ?? 0)); i++) {
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        expect(await connected(livePid ?? 0)).toBe(false);
      } finally {
        await lock.onModuleDestroy();
      }
    });
  },
);
