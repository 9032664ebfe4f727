import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { clientWithPassword, DB_CONNECTION, type DbConnectionOptions, nodePostgres } from '@app/db';
import type pg from 'pg';

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
 * instance dies, PostgreSQL drops the connection and with it the lock. A connection that gave its lock
 * back is kept for a later run (up to MAX_IDLE_CONNECTIONS): it holds nothing while idle.
 *
 * Advisory locks are re-entrant within one session, and the embedded database multiplexes every
 * connection onto one session, so a process-wide set of held keys guards the same process too.
 */
/**
 * Keys this process holds or is trying to take, and the run for each, shared by every RunLock in it
 * (several apps may share a process in tests). `granted` settles once the database answered: a run
 * id is told to another caller only when its lock was granted (never one that lost to another
 * instance and will have no record).
 */
const heldHere = new Map<string, { runId: string; granted: Promise<boolean> }>();

/** The lock session's application_name while it holds a lock: how another instance finds the run. */
const HOLDER_PREFIX = 'run ';

/**
 * The run holding `key` on this database: the application_name of the session that holds the
 * advisory lock (pg_locks splits the 64-bit key into classid, high half, and objid, low half).
 */
const HOLDER_SQL = `
  WITH k AS (SELECT hashtextextended($1, 0) AS v)
  SELECT a.application_name AS holder
    FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid, k
   WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
     AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
     AND l.classid = ((k.v >> 32) & 4294967295)::oid AND l.objid = (k.v & 4294967295)::oid
   LIMIT 1`;

/** The lock was not taken: `holder` is the id of the run holding it, when it could be told. */
export interface LockRefused {
  holder: string | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Lock connections kept open between runs: opening one costs a new server process per run. */
const MAX_IDLE_CONNECTIONS = 4;

@Injectable()
export class RunLock implements OnModuleDestroy {
  /** Connections that held a lock and gave it back cleanly, ready for the next run. */
  private readonly idle: pg.Client[] = [];
  private closed = false;

  constructor(@Inject(DB_CONNECTION) private readonly connection: DbConnectionOptions) {}

  /**
   * Takes the lock for the run `runId`, whose id is chosen before its record exists, so that a
   * caller that loses the race can name the run it lost to (409 `runningRunId`) at once.
   */
  async tryAcquire(key: string, runId: string): Promise<HeldLock | LockRefused> {
    const here = heldHere.get(key);
    if (here !== undefined) {
      if (await here.granted) return { holder: here.runId };
      // That attempt lost to another instance: ask the database, as it did.
      return this.tryAcquire(key, runId);
    }
    let settle!: (granted: boolean) => void;
    heldHere.set(key, { runId, granted: new Promise<boolean>((resolve) => (settle = resolve)) });
    let attempt: { client: pg.Client; locked: boolean };
    try {
      attempt = await this.tryLock(key, runId);
    } catch (error) {
      heldHere.delete(key);
      settle(false);
      throw error;
    }
    if (!attempt.locked) {
      heldHere.delete(key);
      settle(false);
      const holder = await holderOf(attempt.client, key);
      await this.giveBack(attempt.client, true);
      return { holder };
    }
    settle(true);
    const held = attempt.client;
    let lost = false;
    // A failed connection (failover, idle kill, network) emits 'error'; unhandled, it would end the
    // process in the middle of a run. It means the lock is gone: the run sees `lost` and stops.
    // (Attached in the same tick as the lock was granted: no event can come in between.)
    const onLoss = () => {
      lost = true;
    };
    held.on('error', onLoss);
    held.on('end', onLoss);
    // A connection that died silently (no FIN) is only noticed when used: check it now and then.
    const heartbeat = setInterval(() => {
      if (!lost) held.query('SELECT 1').catch(() => (lost = true));
    }, HEARTBEAT_MS);
    heartbeat.unref();
    return {
      get lost() {
        return lost;
      },
      release: async () => {
        clearInterval(heartbeat);
        let unlocked = false;
        try {
          if (!lost) {
            const result = await held.query<{ unlocked: boolean }>(
              'SELECT pg_advisory_unlock(hashtextextended($1, 0)) AS unlocked',
              [key],
            );
            unlocked = result.rows[0]?.unlocked === true;
          }
        } finally {
          heldHere.delete(key);
          // Only a connection known to hold no lock any more is kept for the next run.
          held.off('error', onLoss);
          held.off('end', onLoss);
          await this.giveBack(held, unlocked && !lost);
        }
      },
    };
  }

  async onModuleDestroy(): Promise<void> {
    // A run still going gives its connection back later: closed then, not kept (it would hold the
    // process open after shutdown).
    this.closed = true;
    const idle = this.idle.splice(0);
    await Promise.all(idle.map(endQuietly));
  }

  private async open(): Promise<pg.Client> {
    const Client =
      this.connection.password === undefined
        ? nodePostgres().Client
        : clientWithPassword(this.connection.password);
    const client = new Client({
      connectionString: this.connection.url,
      connectionTimeoutMillis: this.connection.connectTimeoutMs,
      // A kept connection that a NAT or proxy dropped without a word must not hang the next run's
      // lock query (or an unlock) until the OS gives up: keepalives find it, and no query of the
      // lock's (try-lock, unlock, holder, heartbeat: all instant) may take longer than a connect.
      keepAlive: true,
      query_timeout: this.connection.connectTimeoutMs,
    });
    // While idle, a failure only means the connection is not kept.
    client.on('error', () => this.forget(client));
    client.on('end', () => this.forget(client));
    try {
      await client.connect();
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    return client;
  }

  /** Tries the lock on a kept connection, or on a new one when none is kept or the kept one died idle. */
  private async tryLock(key: string, runId: string): Promise<{ client: pg.Client; locked: boolean }> {
    const reused = this.idle.pop();
    if (reused !== undefined) {
      try {
        return { client: reused, locked: await lockOn(reused, key, runId) };
      } catch {
        await this.giveBack(reused, false);
      }
    }
    const client = await this.open();
    try {
      return { client, locked: await lockOn(client, key, runId) };
    } catch (error) {
      await this.giveBack(client, false);
      throw error;
    }
  }

  private async giveBack(client: pg.Client, reusable: boolean): Promise<void> {
    if (reusable && !this.closed && this.idle.length < MAX_IDLE_CONNECTIONS) this.idle.push(client);
    else await endQuietly(client);
  }

  private forget(client: pg.Client): void {
    const index = this.idle.indexOf(client);
    if (index !== -1) this.idle.splice(index, 1);
  }
}

/** Tries the lock, naming the session after the run (a kept connection is renamed for each run). */
async function lockOn(client: pg.Client, key: string, runId: string): Promise<boolean> {
  const result = await client.query<{ locked: boolean }>(
    "SELECT set_config('application_name', $2, false), pg_try_advisory_lock(hashtextextended($1, 0)) AS locked",
    [key, `${HOLDER_PREFIX}${runId}`],
  );
  return result.rows[0]?.locked === true;
}

/** Closes a connection; one whose peer is gone is dropped after a second rather than waited for. */
async function endQuietly(client: pg.Client): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const ended = await Promise.race([
    client.end().then(
      () => true,
      () => true,
    ),
    new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), 1000))),
  ]);
  clearTimeout(timer);
  if (!ended)
    (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
}

export function isHeld(lock: HeldLock | LockRefused): lock is HeldLock {
  return 'release' in lock;
}

/** Another session's run holding `key`; null when it cannot be told (not one of our runs, no rights). */
async function holderOf(client: pg.Client, key: string): Promise<string | null> {
  try {
    const result = await client.query<{ holder: string | null }>(HOLDER_SQL, [key]);
    const name = result.rows[0]?.holder ?? '';
    const id = name.startsWith(HOLDER_PREFIX) ? name.slice(HOLDER_PREFIX.length) : '';
    return UUID.test(id) ? id : null;
  } catch {
    return null;
  }
}
