import { BadGatewayException, HttpException, type OnModuleDestroy } from '@nestjs/common';
import { nodePostgres } from '@app/db';
import type pg from 'pg';
import type { EllaInstance } from '../instances/instance.types.js';

/** ELLA's database of an instance did not answer, or refused the query. */
export class EllaDatabaseError extends Error {
  constructor(
    readonly instance: string,
    readonly reason: string,
  ) {
    super(`the ELLA database of instance "${instance}" failed: ${reason}`);
    this.name = 'EllaDatabaseError';
  }
}

/**
 * A small connection pool per instance on ELLA's own database, made on first use. Every query has a
 * time limit (statement_timeout and the connection timeout); failures become {@link EllaDatabaseError}
 * (no URL, no password), which the API answers as 502 naming the instance.
 */
export class EllaDatabases implements OnModuleDestroy {
  private readonly pools = new Map<string, pg.Pool>();

  constructor(private readonly timeoutMs: number) {}

  private pool(instance: EllaInstance): pg.Pool {
    let pool = this.pools.get(instance.name);
    if (pool === undefined) {
      pool = new (nodePostgres().Pool)({
        connectionString: instance.databaseUrl,
        max: 3,
        connectionTimeoutMillis: this.timeoutMs,
        statement_timeout: this.timeoutMs,
        idleTimeoutMillis: 30_000,
        application_name: 'ella-ops',
      });
      // An idle connection's error (the server restarted) must not crash the app.
      pool.on('error', () => undefined);
      this.pools.set(instance.name, pool);
    }
    return pool;
  }

  async query<R extends pg.QueryResultRow>(
    instance: EllaInstance,
    sql: string,
    params: unknown[] = [],
  ): Promise<R[]> {
    try {
      return (await this.pool(instance).query<R>(sql, params)).rows;
    } catch (error) {
      throw new EllaDatabaseError(instance.name, describe(error));
    }
  }

  /** Runs `work` in one transaction: all of it or nothing. */
  async transaction<T>(instance: EllaInstance, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.pool(instance).connect();
    } catch (error) {
      throw new EllaDatabaseError(instance.name, describe(error));
    }
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      // An answer decided inside (404, 409) stays what it is; anything else is the database's failure.
      if (error instanceof EllaDatabaseError || error instanceof HttpException) throw error;
      throw new EllaDatabaseError(instance.name, describe(error));
    } finally {
      client.release();
    }
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.all([...this.pools.values()].map((pool) => pool.end().catch(() => undefined)));
    this.pools.clear();
  }
}

function describe(error: unknown): string {
  const { message, code } = (typeof error === 'object' && error !== null ? error : {}) as {
    message?: unknown;
    code?: unknown;
  };
  const text = typeof message === 'string' && message !== '' ? message : 'unknown error';
  // pg's messages name hosts, users and tables, never passwords; strip any URL all the same.
  const safe = text.replace(/postgres(ql)?:\/\/\S+/g, '<database URL>');
  return typeof code === 'string' && !safe.includes(code) ? `${safe} (${code})` : safe;
}

/** Runs a database call, answering its failure as a 502 naming the instance. */
export async function dbAsHttp<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof EllaDatabaseError) throw new BadGatewayException(error.message);
    throw error;
  }
}
