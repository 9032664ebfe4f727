import { Inject, Injectable } from '@nestjs/common';
import { DB_CONNECTION, type DbConnectionOptions } from '@app/db';
import pg from 'pg';

export interface HeldLock {
  release(): Promise<void>;
}

/**
 * One run of a job at a time, across every instance: a PostgreSQL session advisory lock, held on a
 * connection of its own for as long as the run lasts (a pooled connection would be handed to other
 * queries, and a transaction-scoped lock would need a transaction open for the whole run). If the
 * instance dies, PostgreSQL drops the connection and with it the lock.
 *
 * Advisory locks are re-entrant within one session, and the embedded database multiplexes every
 * connection onto one session, so an in-process set of held keys guards the same instance too.
 */
@Injectable()
export class RunLock {
  private readonly heldHere = new Set<string>();

  constructor(@Inject(DB_CONNECTION) private readonly connection: DbConnectionOptions) {}

  async tryAcquire(key: string): Promise<HeldLock | null> {
    if (this.heldHere.has(key)) return null;
    this.heldHere.add(key);
    const client = new pg.Client({
      connectionString: this.connection.url,
      connectionTimeoutMillis: this.connection.connectTimeoutMs,
    });
    try {
      await client.connect();
      const result = await client.query<{ locked: boolean }>(
        'SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS locked',
        [key],
      );
      if (result.rows[0]?.locked !== true) {
        this.heldHere.delete(key);
        await client.end();
        return null;
      }
    } catch (error) {
      this.heldHere.delete(key);
      await client.end().catch(() => undefined);
      throw error;
    }
    return {
      release: async () => {
        try {
          await client.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [key]);
        } finally {
          this.heldHere.delete(key);
          await client.end().catch(() => undefined);
        }
      },
    };
  }
}
