import { Inject, Injectable } from '@nestjs/common';
import { DB_CONNECTION, type DbConnectionOptions } from '@app/db';
import pg from 'pg';

export interface HeldLock {
  /** True once the lock's connection failed: another instance may now hold the lock. */
  readonly lost: boolean;
  release(): Promise<void>;
}

/** The run no longer holds its lock; it must stop before changing anything more. */
export class LockLostError extends Error {
  constructor(key: string) {
    super(
      `lost the run lock ${key} (its database connection failed); stopping before changing anything more`,
    );
    this.name = 'LockLostError';
  }
}

/** How often the lock's connection is checked while a run holds it. */
const HEARTBEAT_MS = 15_000;

/**
 * One run of a job at a time, across every instance: a PostgreSQL session advisory lock, held on a
 * connection of its own for as long as the run lasts (a pooled connection would be handed to other
 * queries, and a transaction-scoped lock would need a transaction open for the whole run). If the
 * instance dies, PostgreSQL drops the connection and with it the lock.
 *
 * Advisory locks are re-entrant within one session, and the embedded database multiplexes every
 * connection onto one session, so a process-wide set of held keys guards the same process too.
 */
/** Keys held by this process, shared by every RunLock in it (several apps may share a process in tests). */
const heldHere = new Set<string>();

@Injectable()
export class RunLock {
  constructor(@Inject(DB_CONNECTION) private readonly connection: DbConnectionOptions) {}

  async tryAcquire(key: string): Promise<HeldLock | null> {
    if (heldHere.has(key)) return null;
    heldHere.add(key);
    const client = new pg.Client({
      connectionString: this.connection.url,
      connectionTimeoutMillis: this.connection.connectTimeoutMs,
    });
    let lost = false;
    // A failed connection (failover, idle kill, network) emits 'error'; unhandled, it would end the
    // process in the middle of a run. It means the lock is gone: the run sees `lost` and stops.
    client.on('error', () => {
      lost = true;
    });
    client.on('end', () => {
      lost = true;
    });
    try {
      await client.connect();
      const result = await client.query<{ locked: boolean }>(
        'SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS locked',
        [key],
      );
      if (result.rows[0]?.locked !== true) {
        heldHere.delete(key);
        await client.end();
        return null;
      }
    } catch (error) {
      heldHere.delete(key);
      await client.end().catch(() => undefined);
      throw error;
    }
    // A connection that died silently (no FIN) is only noticed when used: check it now and then.
    const heartbeat = setInterval(() => {
      if (!lost) client.query('SELECT 1').catch(() => (lost = true));
    }, HEARTBEAT_MS);
    heartbeat.unref();
    return {
      get lost() {
        return lost;
      },
      release: async () => {
        clearInterval(heartbeat);
        try {
          if (!lost) await client.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [key]);
        } finally {
          heldHere.delete(key);
          await client.end().catch(() => undefined);
        }
      },
    };
  }
}
