import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import type { Express, NextFunction, Request, Response } from 'express';
import pg from 'pg';
import { z } from 'zod';
import {
  parseSeedJson,
  type RunningSimulator,
  Simulator,
  type SimulatorBaseOptions,
} from '../common/simulator.js';
import { seedEllaDemo } from './ella-demo-data.js';
import type { RunningSupervisord } from './supervisord.js';

/** How to install Debian's supervisord, said where an instance has none. */
export const SUPERVISORD_INSTALL = 'sudo apt-get install -y --no-install-recommends supervisor';

/**
 * The seed: ELLA's demo rows (`ella-demo-data.ts`: two users with sessions, a broadcast, UI exceptions,
 * `requests` resourcelog rows over the half hour before `at`), replacing what the tables held.
 */
export interface EllaSeed {
  /** The time the rows are relative to (ISO 8601 with offset); absent: when the seed is applied. */
  at?: string;
  requests: number;
}

const seedSchema = z.strictObject({
  at: z.iso.datetime({ offset: true }).optional(),
  requests: z.number().int().min(0).max(100_000).default(400),
});

/** The tables `seed` empties before it writes the demo rows (every table of `ella-schema.ts`). */
const SEEDED_TABLES = 'alembic_version, "user", usersession, broadcast, uiexception, resourcelog';

export interface EllaSimulatorOptions extends SimulatorBaseOptions {
  /** ELLA's database, with ELLA's tables (`ELLA_SCHEMA_SQL`): the API reads it, `seed` writes it. */
  databaseUrl: string;
  /**
   * The instances served under `/<instance>/`, each with its supervisord (`/<instance>/RPC2` is passed
   * to it), or undefined when there is none (`RPC2` then answers 503 saying how to install it).
   */
  instances: Readonly<Record<string, RunningSupervisord | undefined>>;
  /**
   * A PostgreSQL server to carry on the simulator's own port too (`url` is `databaseUrl` as it reaches
   * that server): a connection whose first byte is 0 (every PostgreSQL start-up message's is) goes
   * there, anything else is HTTP. One address then serves an ELLA instance's supervisord, API and
   * database.
   */
  database?: { url: string; host: string; port: number };
  /** Stops what the simulator stands on (the supervisords, the database), after it stops listening. */
  onClose?: () => Promise<void>;
}

/**
 * ELLA as ella-ops sees it, per instance under `/<instance>/`: its supervisord's XML-RPC endpoint
 * (`POST /<instance>/RPC2`, passed to a real supervisord with the caller's Basic auth) and the one call
 * of ELLA's API that ella-ops makes, `GET /<instance>/api/v1/broadcasts/` (the active broadcasts ordered
 * by `date_created` as `{id, date, message}`, read from ELLA's database as ELLA reads it). The base
 * brings latency, faults (on either path), the call log and `/_sim`; `seed` rewrites the demo rows.
 */
export class EllaSimulator extends Simulator<EllaSeed> {
  private readonly pool: pg.Pool;
  private closed: Promise<void> | undefined;

  constructor(readonly options: EllaSimulatorOptions) {
    super('ella', options);
    // Idle connections close at once: the embedded database serves one session at a time, and one
    // kept open here would hold off every other client (ella-ops) until it closed.
    this.pool = new pg.Pool({ connectionString: options.databaseUrl, max: 2, idleTimeoutMillis: 100 });
    this.pool.on('error', () => undefined);
  }

  get instances(): string[] {
    return Object.keys(this.options.instances);
  }

  /**
   * With `database`: its URL through the simulator's port (`postgresql://postgres@127.0.0.1:<port>/postgres`
   * for the embedded database), else undefined.
   */
  get databaseUrl(): string | undefined {
    if (this.options.database === undefined) return undefined;
    const url = new URL(this.options.database.url);
    url.host = `${new URL(this.url).hostname}:${this.port}`;
    url.search = '';
    return url.toString();
  }

  /** An instance's address, as ella-ops's `ellaUrl` (`http://127.0.0.1:<port>/<instance>/`). */
  instanceUrl(instance: string): string {
    return `${this.url}/${instance}/`;
  }

  parseSeed(json: unknown): EllaSeed {
    return parseSeedJson(seedSchema, json, 'ELLA simulator');
  }

  async seed(data: EllaSeed): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(`TRUNCATE ${SEEDED_TABLES} RESTART IDENTITY CASCADE`);
      await seedEllaDemo(client, data.at === undefined ? new Date() : new Date(data.at), data.requests);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  protected routes(app: Express): void {
    const known = (req: Request, res: Response): boolean => {
      if (Object.hasOwn(this.options.instances, String(req.params['instance']))) return true;
      res.status(404).json({ error: 'no such instance' });
      return false;
    };
    app.post('/:instance/RPC2', (req, res, next) => {
      if (!known(req, res)) return;
      const target = this.options.instances[String(req.params['instance'])];
      if (target === undefined) {
        res
          .status(503)
          .type('text/plain')
          .send(`supervisord is not installed here; install it with: ${SUPERVISORD_INSTALL}`);
        return;
      }
      this.passOn(req, res, target.url).catch(next);
    });
    app.get('/:instance/api/v1/broadcasts/', (req, res, next) => {
      if (!known(req, res)) return;
      this.pool
        .query<{ id: number; date_created: Date; message: string }>(
          'SELECT id, date_created, message FROM broadcast WHERE active ORDER BY date_created',
        )
        .then(({ rows }) =>
          res.json(rows.map((r) => ({ id: r.id, date: r.date_created.toISOString(), message: r.message }))),
        )
        .catch(next);
    });
    app.use((error: unknown, _req: Request, res: Response, next: NextFunction) => {
      if (res.headersSent) return next(error);
      res.status(502).json({ error: `ella simulator: ${(error as Error).message}` });
    });
  }

  /** Sends the XML-RPC call to the instance's supervisord and its answer back, as they are. */
  private async passOn(req: Request, res: Response, target: string): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const answer = await fetch(target, {
      method: 'POST',
      headers: {
        'content-type': 'text/xml',
        ...(req.headers.authorization === undefined ? {} : { authorization: req.headers.authorization }),
      },
      body: Buffer.concat(chunks),
    });
    res
      .status(answer.status)
      .type('text/xml')
      .send(await answer.text());
  }

  /** With `databasePort`: one listener for both protocols (see the option). */
  protected override serve(app: Express, port: number, host: string): Promise<RunningSimulator> {
    const database = this.options.database;
    if (database === undefined) return super.serve(app, port, host);
    const server = http.createServer(app);
    const sockets = new Set<net.Socket>();
    const front = net.createServer((socket) => {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
      socket.once('error', () => socket.destroy());
      socket.once('data', (first: Buffer) => {
        socket.pause();
        socket.unshift(first);
        if (first[0] === 0) {
          const upstream = net.connect(database.port, database.host, () => {
            socket.pipe(upstream).pipe(socket);
            socket.resume();
          });
          upstream.once('error', () => socket.destroy());
          socket.once('close', () => upstream.destroy());
        } else {
          server.emit('connection', socket);
          process.nextTick(() => socket.resume());
        }
      });
    });
    return new Promise((resolve, reject) => {
      front.once('error', reject);
      front.listen(port, host, () => {
        const { port: listening } = front.address() as AddressInfo;
        resolve({
          url: `http://${host}:${listening}`,
          port: listening,
          close: () =>
            new Promise<void>((done) => {
              front.close(() => done());
              // Database connections are piped, not HTTP: they end only when destroyed.
              for (const socket of sockets) socket.destroy();
              server.closeAllConnections();
            }),
        });
      });
    });
  }

  /** Stops listening, ends its database pool, then stops what it stands on (`onClose`); once. */
  override close(): Promise<void> {
    this.closed ??= (async () => {
      await super.close();
      await this.pool.end().catch(() => undefined);
      await this.options.onClose?.();
    })();
    return this.closed;
  }
}
