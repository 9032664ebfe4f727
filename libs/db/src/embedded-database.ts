import { mkdir } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { PGlite } from '@electric-sql/pglite';
import { importLocalOnly } from './local-only.js';

export interface EmbeddedDatabase {
  url: string;
  /** Where the data lives, or `memory` for a throw-away database. */
  location: string;
  stop(): Promise<void>;
}

const SSL_REQUEST = 80877103;
const CANCEL_REQUEST = 80877102;
const PROTOCOL_3 = 196608;

/**
 * Starts PostgreSQL compiled to WebAssembly (PGlite) behind a PostgreSQL wire-protocol server on
 * 127.0.0.1, for local runs and as the test fallback (never in production).
 *
 * PGlite has one session. Many client connections share it the way a transaction-pooling proxy
 * does: a connection gets the session with its first message and keeps it until the server reports
 * "idle, not in a transaction" (ReadyForQuery `I`), so an extended-protocol exchange (Parse, Bind,
 * Execute, Sync) or an explicit transaction is never interleaved with another connection's
 * messages. (The multiplexer of @electric-sql/pglite-socket interleaves at message level, which
 * breaks unnamed statements and portals under concurrent use: "portal does not exist".)
 * Session state (SET, advisory locks) is shared by all connections, as behind any such proxy.
 */
export async function startEmbeddedDatabase(
  options: { dataDir?: string; port?: number } = {},
): Promise<EmbeddedDatabase> {
  // Loaded on demand: production never starts an embedded database, so it never loads it, and the
  // package (a devDependency) is not in the production image.
  const { PGlite } = await importLocalOnly('@electric-sql/pglite', () => import('@electric-sql/pglite'), {
    what: 'The embedded database (started when DATABASE_URL is unset)',
    instead: 'Set DATABASE_URL to a PostgreSQL database.',
  });
  if (options.dataDir !== undefined) await mkdir(options.dataDir, { recursive: true });
  const db = await PGlite.create(options.dataDir ?? 'memory://');
  const pool = new SessionPool(db);
  const server: Server = createServer((socket) => pool.accept(socket));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `postgresql://postgres@127.0.0.1:${port}/postgres?sslmode=disable`,
    location: options.dataDir ?? 'memory',
    async stop() {
      pool.closeAll();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await db.close();
    },
  };
}

interface Connection {
  socket: Socket;
  buffer: Buffer;
  started: boolean;
  pending: Buffer[];
}

class SessionPool {
  private owner: Connection | null = null;
  private readonly waiting: Connection[] = [];
  private readonly connections = new Set<Connection>();
  private working = false;
  private closed = false;

  constructor(private readonly db: PGlite) {}

  accept(socket: Socket): void {
    const connection: Connection = { socket, buffer: Buffer.alloc(0), started: false, pending: [] };
    this.connections.add(connection);
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.receive(connection, chunk));
    socket.on('error', () => socket.destroy());
    socket.on('close', () => this.drop(connection));
  }

  closeAll(): void {
    this.closed = true;
    for (const connection of this.connections) connection.socket.destroy();
  }

  private receive(connection: Connection, chunk: Buffer): void {
    connection.buffer = Buffer.concat([connection.buffer, chunk]);
    for (;;) {
      const message = this.nextMessage(connection);
      if (message === null) break;
      if (message.length === 0) continue;
      connection.pending.push(message);
    }
    if (connection.pending.length > 0 && this.owner !== connection && !this.waiting.includes(connection)) {
      this.waiting.push(connection);
    }
    void this.pump();
  }

  /** One complete protocol message off the connection's buffer; startup-phase packets handled here. */
  private nextMessage(connection: Connection): Buffer | null {
    const buffer = connection.buffer;
    if (!connection.started) {
      if (buffer.length < 8) return null;
      const length = buffer.readInt32BE(0);
      if (length < 8 || length > 10_000) return this.refuse(connection);
      if (buffer.length < length) return null;
      const code = buffer.readInt32BE(4);
      connection.buffer = buffer.subarray(length);
      if (code === SSL_REQUEST) {
        connection.socket.write('N');
        return Buffer.alloc(0);
      }
      if (code === CANCEL_REQUEST) {
        connection.socket.destroy();
        return Buffer.alloc(0);
      }
      if (code === PROTOCOL_3) connection.started = true;
      return buffer.subarray(0, length);
    }
    if (buffer.length < 5) return null;
    const declared = buffer.readInt32BE(1);
    if (declared < 4) return this.refuse(connection);
    const length = 1 + declared;
    if (buffer.length < length) return null;
    connection.buffer = buffer.subarray(length);
    return buffer.subarray(0, length);
  }

  /** A malformed packet: drop the client (its buffer is discarded so parsing stops). */
  private refuse(connection: Connection): null {
    connection.buffer = Buffer.alloc(0);
    connection.pending = [];
    connection.socket.destroy();
    return null;
  }

  private async pump(): Promise<void> {
    if (this.working) return;
    this.working = true;
    try {
      for (;;) {
        if (this.owner === null || (this.owner.pending.length === 0 && !this.connections.has(this.owner))) {
          this.owner = this.waiting.shift() ?? null;
        }
        const owner = this.owner;
        if (owner === null) return;
        const message = owner.pending.shift();
        if (message === undefined) return; // the owner is mid-exchange; wait for its next message
        if (message[0] === 0x58 /* X: Terminate */) {
          owner.socket.end();
          continue;
        }
        if (this.closed) return;
        let response: Uint8Array;
        try {
          response = await this.db.execProtocolRaw(new Uint8Array(message));
        } catch {
          // The database is closing (or broke): this client cannot be served any more.
          owner.socket.destroy();
          this.owner = null;
          continue;
        }
        if (!owner.socket.destroyed) owner.socket.write(response);
        const status = lastReadyStatus(response);
        if (status === 'I') {
          this.owner = null;
          if (owner.pending.length > 0) this.waiting.push(owner);
        }
      }
    } finally {
      this.working = false;
    }
  }

  private drop(connection: Connection): void {
    this.connections.delete(connection);
    const index = this.waiting.indexOf(connection);
    if (index !== -1) this.waiting.splice(index, 1);
    if (this.owner === connection) {
      connection.pending = [];
      if (this.closed) return;
      // A client that vanished inside a transaction (or mid extended-protocol exchange, where the
      // server waits for Sync) must not leave the shared session in it: Sync, then ROLLBACK.
      const sync = Buffer.from([0x53, 0, 0, 0, 4]);
      const rollback = Buffer.from('Q\0\0\0\rROLLBACK\0', 'latin1');
      rollback.writeInt32BE(13, 1);
      void this.db
        .execProtocolRaw(new Uint8Array(sync))
        .then(() => this.db.execProtocolRaw(new Uint8Array(rollback)))
        .catch(() => undefined)
        .finally(() => {
          if (this.owner === connection) this.owner = null;
          void this.pump();
        });
    }
  }
}

/** The transaction status of the last ReadyForQuery in a response: I idle, T in transaction, E failed one. */
function lastReadyStatus(response: Uint8Array): string | null {
  let status: string | null = null;
  let offset = 0;
  const view = new DataView(response.buffer, response.byteOffset, response.byteLength);
  while (offset + 5 <= response.length) {
    const type = response[offset];
    const length = view.getInt32(offset + 1);
    if (type === 0x5a /* Z */ && length === 5) status = String.fromCharCode(response[offset + 5] ?? 0);
    offset += 1 + length;
  }
  return status;
}
