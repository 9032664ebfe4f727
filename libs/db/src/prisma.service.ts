import type { OnModuleDestroy } from '@nestjs/common';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { PrismaClient } from './generated/client.js';
import { clientWithPassword } from './iam-auth.js';
import { lazyPgAdapter, type PgAdapterFactory } from './node-postgres.js';

export interface DbConnectionOptions {
  url: string;
  poolSize: number;
  connectTimeoutMs: number;
  /** Asked on each new connection (Cloud SQL IAM login: DATABASE_IAM_AUTH); unset: the URL's password. */
  password?: () => Promise<string>;
}

export const DB_CONNECTION = Symbol('DB_CONNECTION');

/** Prisma 7 without a query engine binary, over node-postgres (loaded at the first connection). */
function clientOptions(options: DbConnectionOptions): { adapter: PgAdapterFactory } {
  return {
    adapter: lazyPgAdapter(() => ({
      connectionString: options.url,
      max: options.poolSize,
      connectionTimeoutMillis: options.connectTimeoutMs,
      ...(options.password === undefined ? {} : { Client: clientWithPassword(options.password) }),
    })),
  };
}

/**
 * The one Prisma client of an app, and the token it is injected by. Its type holds every model of
 * the schema; at run time it is a generated client loaded on demand: the app's own
 * (`appPrismaClient`, its models and the platform's) or the whole schema's
 * (`wholeSchemaPrismaClient`). Nothing here loads a generated client, so an app's boot never
 * parses and builds the whole schema's client beside its own.
 */
// The class is only a token (no members, never constructed); the interface gives it its type.
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export abstract class PrismaService {}
// The instance type: a generated PrismaClient, disconnected when Nest closes the module.
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export interface PrismaService extends PrismaClient, OnModuleDestroy {}

/** A generated client connected as `options` say, disconnected when Nest closes the module. */
export function connectedPrismaClient(
  Client: new (clientOptions: { adapter: PgAdapterFactory }) => PrismaClient,
  options: DbConnectionOptions,
): PrismaService {
  const client = new Client(clientOptions(options)) as PrismaService;
  client.onModuleDestroy = () => client.$disconnect();
  return client;
}

/** The client of the whole schema (every app's models), for tools and tests that span apps. */
export async function wholeSchemaPrismaClient(options: DbConnectionOptions): Promise<PrismaService> {
  const generated = await import('./generated/client.js');
  return connectedPrismaClient(generated.PrismaClient, options);
}

/** A Prisma interactive-transaction client, for code that takes part in the caller's transaction. */
export type PrismaTx = Omit<PrismaClient, '$connect' | '$disconnect' | '$on' | '$transaction' | '$extends'>;

/** Where the generated client of `app` is (or would be). */
export function appClientDir(app: string): string {
  return fileURLToPath(new URL(`./generated/apps/${app}/`, import.meta.url));
}

/**
 * The client generated for one app (its models and the platform's, libs/db/src/generated/apps/<app>;
 * see prisma/app-clients.json), connected as PrismaService would be: constructing a client costs
 * time and memory for each model it holds, at every boot. Its type is PrismaService's, whose other
 * apps' models it lacks at run time (each app's tests use its models through it). Undefined when no
 * client was generated for `app`.
 */
export async function appPrismaClient(
  app: string,
  options: DbConnectionOptions,
): Promise<PrismaService | undefined> {
  if (!/^[a-z][a-z0-9-]*$/.test(app)) return undefined;
  if (!existsSync(new URL(`./generated/apps/${app}/`, import.meta.url))) return undefined;
  const generated = (await import(`./generated/apps/${app}/client.js`)) as {
    PrismaClient: new (clientOptions: { adapter: PgAdapterFactory }) => PrismaClient;
  };
  return connectedPrismaClient(generated.PrismaClient, options);
}
