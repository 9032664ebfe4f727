import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import net from 'node:net';
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

    it('a run that ends after shutdown closes its connection instead of keeping it', async () => {
      const lock = new RunLock({ url: db.url, poolSize: 1, connectTimeoutMs: 5000 });
      const held = await acquire(lock, 'job:spec:late');
      const [pid] = await lockHolders();
      await lock.onModuleDestroy();
      await held?.release();
      for (let i = 0; i < 100 && (await connected(pid ?? 0)); i++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(await connected(pid ?? 0)).toBe(false);
    });

    it('a kept connection that went silent (a NAT dropped it) fails the next attempt in seconds, not minutes', async () => {
      // A TCP proxy in front of this file's database that can stop passing bytes, without FIN or RST.
      const target = new URL(db.url);
      let silent = false;
      const sockets = new Set<net.Socket>();
      const proxy = net.createServer((client) => {
        const server = net.connect(Number(target.port || 5432), target.hostname);
        for (const socket of [client, server]) {
          sockets.add(socket);
          socket.on('error', () => undefined);
        }
        client.on('data', (data) => void (silent || server.write(data)));
        server.on('data', (data) => void (silent || client.write(data)));
        client.on('close', () => server.destroy());
        server.on('close', () => client.destroy());
      });
      await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
      const viaProxy = new URL(db.url);
      viaProxy.host = `127.0.0.1:${(proxy.address() as net.AddressInfo).port}`;
      const lock = new RunLock({ url: viaProxy.toString(), poolSize: 1, connectTimeoutMs: 500 });
      try {
        const first = await acquire(lock, 'job:spec:silent');
        await first?.release();
        silent = true;
        const started = Date.now();
        await expect(lock.tryAcquire('job:spec:silent', randomUUID())).rejects.toThrow();
        expect(Date.now() - started).toBeLessThan(5000);
        // Nothing is left claiming the key: once the network is back, the next run takes the lock.
        silent = false;
        const again = await acquire(lock, 'job:spec:silent');
        expect(again).not.toBeNull();
        await again?.release();
      } finally {
        await lock.onModuleDestroy();
        for (const socket of sockets) socket.destroy();
        await new Promise((resolve) => proxy.close(resolve));
      }
    });
  },
);

describe('RunLock within one process', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db.drop());

  it('a caller that comes while another is still asking the database waits for its answer', async () => {
    const lock = new RunLock({ url: db.url, poolSize: 1, connectTimeoutMs: 5000 });
    try {
      const winnerId = randomUUID();
      const [first, second] = await Promise.all([
        lock.tryAcquire('job:spec:same-process', winnerId),
        lock.tryAcquire('job:spec:same-process', randomUUID()),
      ]);
      expect(isHeld(first)).toBe(true);
      // Told the id of a run whose lock was granted, not merely attempted.
      expect(second).toEqual({ holder: winnerId });
      if (isHeld(first)) await first.release();
    } finally {
      await lock.onModuleDestroy();
    }
  });
});
