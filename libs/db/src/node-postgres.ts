import type { PrismaPg } from '@prisma/adapter-pg';
import { createRequire } from 'node:module';
import type pg from 'pg';

// node-postgres and Prisma's adapter for it are loaded when the first connection is opened, not when
// an app starts: they are about 13 ms of every boot (measured in a process that had loaded Nest),
// and an app opens no connection before its first query (Prisma connects on demand). Required, not
// imported: pg is CommonJS only, which Node's ES module loader compiles twice when it imports it;
// the adapter ships both builds, the same code (Prisma's runtime tells its errors by name, not by
// class). Node gives `require('pg')` and `import('pg')` one instance, so the adapter, the run lock,
// the migrations and the tests share pg's classes, as before.
const requireHere = createRequire(import.meta.url);

// Resolved (not loaded) now, so that an image without them fails at boot, as a static import did,
// not at the first query.
requireHere.resolve('pg');
requireHere.resolve('@prisma/adapter-pg');

let pgModule: typeof pg | undefined;

/** node-postgres (`pg`), loaded on first call. */
export function nodePostgres(): typeof pg {
  pgModule ??= requireHere('pg') as typeof pg;
  return pgModule;
}

/** The name @prisma/adapter-pg gives itself (Prisma names the adapter in its errors with it). */
const PG_ADAPTER_NAME = '@prisma/adapter-pg';

/** What Prisma asks of a driver adapter factory, as PrismaPg has it. */
export type PgAdapterFactory = Pick<PrismaPg, 'provider' | 'adapterName' | 'connect' | 'connectToShadowDb'>;

/**
 * Prisma's node-postgres adapter as a factory that loads @prisma/adapter-pg (and pg) when Prisma
 * first connects; until then it holds only `config`, which it calls then (a pool setting may need pg
 * itself: the Client class of IAM logins). What Prisma sees is the factory PrismaPg is.
 */
export function lazyPgAdapter(config: () => pg.PoolConfig): PgAdapterFactory {
  let factory: PrismaPg | undefined;
  const loaded = (): PrismaPg => {
    if (factory === undefined) {
      const adapter = requireHere('@prisma/adapter-pg') as typeof import('@prisma/adapter-pg');
      factory = new adapter.PrismaPg(config());
    }
    return factory;
  };
  return {
    provider: 'postgres',
    adapterName: PG_ADAPTER_NAME,
    connect: () => loaded().connect(),
    connectToShadowDb: () => loaded().connectToShadowDb(),
  };
}
