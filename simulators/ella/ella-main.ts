import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { startEmbeddedDatabase } from '@app/db';
import type { SimulatorMain } from '../common/simulator-main.js';
import { type EllaSeed, EllaSimulator, SUPERVISORD_INSTALL } from './ella.simulator.js';
import { ELLA_SCHEMA_SQL } from './ella-schema.js';
import { type RunningSupervisord, spawnSupervisord } from './supervisord.js';

/** The demo instances: a primary whose programs run and its failover, stopped. */
export const DEMO_INSTANCES = { demo: { autostart: true }, 'demo-dr': { autostart: false } } as const;

function installed(command: string): boolean {
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter), '/usr/bin', '/usr/sbin'];
  return dirs.filter(Boolean).some((dir) => {
    try {
      accessSync(path.join(dir, command), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/**
 * ELLA for the local stack (`npm start`): a demo ELLA database (embedded PostgreSQL, ELLA's tables,
 * the demo rows unless `--seed` names a JSON file of `EllaSeed`), and for each demo instance a real
 * supervisord (Debian's `supervisor`) with stand-ins for ELLA's programs. One port serves it all:
 * `/<instance>/RPC2`, `/<instance>/api/v1/broadcasts/` and the PostgreSQL protocol, so ella-ops's
 * instance list needs one address. Without supervisord installed, `/<instance>/RPC2` answers 503 saying
 * how to install it. Env: `ELLA_SUPERVISOR_PASSWORD` (16+ characters: the supervisords' Basic auth,
 * user `ella-ops`), `ELLA_DATABASE_URL` (a PostgreSQL database to use instead of the embedded one; ELLA's
 * tables are made when missing), `SIM_CONTROL_TOKEN` (guards `/_sim`).
 */
export const ellaMain: SimulatorMain<EllaSimulator, EllaSeed> = {
  async create(env) {
    const password = env['ELLA_SUPERVISOR_PASSWORD'] ?? '';
    if (password.length < 16)
      throw new Error('ella simulator: ELLA_SUPERVISOR_PASSWORD (at least 16 characters) is required');
    // A PostgreSQL server given (ELLA_DATABASE_URL), or the embedded one (PGlite, in memory).
    const given = env['ELLA_DATABASE_URL'];
    const db = given === undefined ? await startEmbeddedDatabase() : { url: given, stop: async () => {} };
    const supervisors: Record<string, RunningSupervisord | undefined> = {};
    const stop = async () => {
      await Promise.all(Object.values(supervisors).map((s) => s?.close() ?? Promise.resolve()));
      await db.stop().catch(() => undefined);
    };
    try {
      const pool = new pg.Pool({ connectionString: db.url, max: 1 });
      await pool.query(ELLA_SCHEMA_SQL).finally(() => pool.end());
      const haveSupervisord = installed('supervisord');
      for (const [name, { autostart }] of Object.entries(DEMO_INSTANCES)) {
        supervisors[name] = haveSupervisord
          ? await spawnSupervisord({ autostart, username: 'ella-ops', password })
          : undefined;
      }
      if (!haveSupervisord)
        process.stderr.write(
          `ella simulator: supervisord is not installed, so the demo instances have none. Install it with:\n  ${SUPERVISORD_INSTALL}\n`,
        );
    } catch (error) {
      await stop();
      throw error;
    }
    const { hostname, port } = new URL(db.url);
    return new EllaSimulator({
      databaseUrl: db.url,
      database: { url: db.url, host: hostname, port: Number(port || 5432) },
      instances: supervisors,
      onClose: stop,
      ...(env['SIM_CONTROL_TOKEN'] ? { controlToken: env['SIM_CONTROL_TOKEN'] } : {}),
    });
  },
  demoSeed: () => ({ requests: 400 }),
  describe: (simulator) => ({
    database: simulator.databaseUrl,
    instances: simulator.instances,
    supervisord: Object.values(simulator.options.instances).some((s) => s !== undefined),
  }),
};
