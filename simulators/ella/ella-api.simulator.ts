import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { createSimulatorApp, SimulatorControl } from '../common/simulator.js';

/**
 * The one call of ELLA's API that ella-ops makes: `GET /api/v1/broadcasts/`, the active broadcasts
 * ordered by `date_created` as `{id, date, message}`, read from an ELLA database as ELLA reads it.
 * The shared `/_sim` routes inject latency and faults.
 */
export class EllaApiSimulator {
  readonly control = new SimulatorControl();
  private server: Server | undefined;
  private readonly pool: pg.Pool;
  url = '';

  constructor(databaseUrl: string) {
    this.pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
    this.pool.on('error', () => undefined);
  }

  async start(port = 0): Promise<string> {
    const app = createSimulatorApp(this.control, 'ella');
    app.get('/api/v1/broadcasts/', (_req, res, next) => {
      this.pool
        .query<{ id: number; date_created: Date; message: string }>(
          'SELECT id, date_created, message FROM broadcast WHERE active ORDER BY date_created',
        )
        .then(({ rows }) =>
          res.json(rows.map((r) => ({ id: r.id, date: r.date_created.toISOString(), message: r.message }))),
        )
        .catch(next);
    });
    const server = app.listen(port, '127.0.0.1');
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('listening', () => resolve());
      server.once('error', reject);
    });
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    return this.url;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (server !== undefined) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
    await this.pool.end();
  }
}
