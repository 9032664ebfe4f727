import { mkdir } from 'node:fs/promises';

export interface EmbeddedDatabase {
  url: string;
  /** Where the data lives, or `memory` for a throw-away database. */
  location: string;
  stop(): Promise<void>;
}

/**
 * Starts PostgreSQL compiled to WebAssembly (PGlite) behind its wire-protocol socket server on
 * 127.0.0.1. Queries from several connections are multiplexed onto PGlite's single session, with
 * transactions kept together, so a small pool works; session state (advisory locks, SET) is shared.
 * For local runs and as the test fallback only; never in production.
 */
export async function startEmbeddedDatabase(
  options: { dataDir?: string; port?: number; maxConnections?: number } = {},
): Promise<EmbeddedDatabase> {
  // Loaded on demand: production never starts an embedded database, so it never pays for loading it.
  const { PGlite } = await import('@electric-sql/pglite');
  const { PGLiteSocketServer } = await import('@electric-sql/pglite-socket');
  if (options.dataDir !== undefined) await mkdir(options.dataDir, { recursive: true });
  const db = await PGlite.create(options.dataDir ?? 'memory://');
  const server = new PGLiteSocketServer({
    db,
    host: '127.0.0.1',
    port: options.port ?? 0,
    maxConnections: options.maxConnections ?? 20,
  });
  await server.start();
  const port = Number(server.getServerConn().split(':').pop());
  return {
    url: `postgresql://postgres@127.0.0.1:${port}/postgres?sslmode=disable`,
    location: options.dataDir ?? 'memory',
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}
