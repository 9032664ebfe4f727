// Helpers shared by the benchmarks in bench/. A benchmark measures and prints one JSON line; it asserts
// nothing. These helpers run from dist/bench/ (see scripts/bench.mjs), so paths are resolved from there.
import { adminQuery, migrate, withDatabaseName } from '@app/db';
import { randomBytes } from 'node:crypto';
import { connect, createServer, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

/** The PostgreSQL server to create scratch databases on: TEST_DATABASE_URL, else the local default. */
export function adminDatabaseUrl(): string {
  return process.env['TEST_DATABASE_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
}

export interface ScratchDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/** A fresh, migrated database `usp_bench_<random>` on the real server; `drop()` removes it. */
export async function createScratchDatabase(): Promise<ScratchDatabase> {
  const adminUrl = adminDatabaseUrl();
  const name = `usp_bench_${randomBytes(5).toString('hex')}`;
  await adminQuery(adminUrl, `CREATE DATABASE "${name}"`);
  const url = withDatabaseName(adminUrl, name);
  try {
    await migrate(url, fileURLToPath(new URL('../../prisma/migrations', import.meta.url)));
  } catch (error) {
    await adminQuery(adminUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    throw error;
  }
  return {
    url,
    name,
    drop: async () => {
      await adminQuery(adminUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    },
  };
}

/**
 * Loads a compiled module of dist/ by its path below dist/ (`apps/covid-pool/app.module.js`). App code
 * is compiled to dist/apps/<app>/ without the `src/` level, so a static `../apps/<app>/src/...` import
 * would not resolve at run time; callers type the result with `typeof import('../apps/<app>/src/...')`.
 */
export async function importDist<T>(pathBelowDist: string): Promise<T> {
  return (await import(new URL(`../${pathBelowDist}`, import.meta.url).href)) as T;
}

/** A TCP port nobody listens on right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Milliseconds since `start` (a `process.hrtime.bigint()` reading). */
export function elapsedMs(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

export function round(value: number, digits = 1): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? Number.NaN)
    : ((sorted[middle - 1] ?? Number.NaN) + (sorted[middle] ?? Number.NaN)) / 2;
}

export function summary(values: readonly number[]): { median: number; min: number; max: number } {
  return { median: median(values), min: Math.min(...values), max: Math.max(...values) };
}

/** Parses `--name N` from the command line; `fallback` when absent or not a positive integer. */
export function intArgument(name: string, fallback: number, argv: readonly string[] = process.argv): number {
  const index = argv.indexOf(`--${name}`);
  const value = index === -1 ? undefined : Number(argv[index + 1]);
  return value !== undefined && Number.isInteger(value) && value > 0 ? value : fallback;
}

/** Parses `--name VALUE` from the command line; undefined when absent. */
export function stringArgument(name: string, argv: readonly string[] = process.argv): string | undefined {
  const index = argv.indexOf(`--${name}`);
  const value = index === -1 ? undefined : argv[index + 1];
  return value === undefined || value.startsWith('--') ? undefined : value;
}

/** The single JSON line a benchmark prints. */
export function printResult(result: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

/** SQL statements sent through node-postgres, in total and by their first keyword. */
export interface StatementCounter {
  readonly total: number;
  byKind(): Record<string, number>;
  /** Counts the statements `work` causes (nothing else may run meanwhile). */
  measure<T>(
    work: () => Promise<T>,
  ): Promise<{ result: T; statements: number; kinds: Record<string, number> }>;
  uninstall(): void;
}

/**
 * Counts every statement sent by any node-postgres client in this process (Prisma's adapter, the job
 * lock's own connection, the benchmark's own client): `pg.Client.prototype.query` is wrapped, so it must be
 * installed before the clients send anything to be counted. BEGIN and COMMIT count as statements.
 */
export function installStatementCounter(): StatementCounter {
  const prototype = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const original = prototype.query;
  let total = 0;
  const kinds = new Map<string, number>();
  prototype.query = function countedQuery(this: unknown, ...args: unknown[]): unknown {
    total += 1;
    const kind = statementKind(args[0]);
    kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
    return original.apply(this, args);
  };
  const byKind = () => Object.fromEntries([...kinds.entries()].sort(([a], [b]) => a.localeCompare(b)));
  return {
    get total() {
      return total;
    },
    byKind,
    async measure(work) {
      const before = total;
      const kindsBefore = new Map(kinds);
      const result = await work();
      const delta: Record<string, number> = {};
      for (const [kind, count] of kinds) {
        const added = count - (kindsBefore.get(kind) ?? 0);
        if (added > 0) delta[kind] = added;
      }
      return { result, statements: total - before, kinds: delta };
    },
    uninstall() {
      prototype.query = original;
    },
  };
}

function statementKind(query: unknown): string {
  const text =
    typeof query === 'string'
      ? query
      : typeof query === 'object' && query !== null && typeof (query as { text?: unknown }).text === 'string'
        ? (query as { text: string }).text
        : '';
  return /^\s*([A-Za-z]+)/.exec(text)?.[1]?.toUpperCase() ?? 'OTHER';
}

export interface LatencyProxy {
  /** `databaseUrl` with its host and port replaced by the proxy's. */
  url: string;
  close(): Promise<void>;
}

/**
 * A TCP proxy in front of a database that holds every client-to-server chunk for `roundTripMs`, so each
 * round trip costs what it would over a network (a local server answers in tens of microseconds, which
 * hides the cost of many small statements). Order is kept: chunks wait the same time, in turn.
 */
export async function startLatencyProxy(databaseUrl: string, roundTripMs: number): Promise<LatencyProxy> {
  const target = new URL(databaseUrl);
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(Number(target.port || 5432), target.hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => undefined);
    }
    const later = (action: () => void) => setTimeout(action, roundTripMs);
    client.on('data', (chunk: Buffer) => later(() => upstream.destroyed || upstream.write(chunk)));
    client.on('end', () => later(() => upstream.end()));
    client.on('close', () => later(() => upstream.destroy()));
    upstream.on('data', (chunk: Buffer) => client.destroyed || client.write(chunk));
    upstream.on('end', () => client.end());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const url = new URL(databaseUrl);
  url.hostname = '127.0.0.1';
  url.port = String(typeof address === 'object' && address !== null ? address.port : 0);
  return {
    url: url.toString(),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
