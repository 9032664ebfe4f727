// `npm run bench -- ella-health`: ella-ops's health query (HealthService.requestFigures, the code the
// API runs) over ELLA's `resourcelog` on the real PostgreSQL server, in a scratch ELLA database made
// from our fixture of ELLA's schema. The 15-minute window always holds the same rows (BENCH_WINDOW_ROWS,
// default 5,000); the table grows with older history: first 500,000 rows, then 5,000,000. Flat
// figures mean the query reads the window through the `time` index, not the table. Baseline in the same
// script: the same query at 5,000,000 rows with index scans turned off (what a query that could not
// use the index would cost). Each figure is the median of BENCH_RUNS (default 5) runs after one warm-up.
// Then the monitor job's checks (MonitorChecks.check) of 3 instances (a primary, its failover, staging)
// on that 5,000,000-row database, in parallel as the job runs them, with our own tables on a scratch
// migrated database; their supervisords and ELLA APIs refuse connections at once (no network waits),
// so the figure is the database work. Prints one JSON line.
// Options: BENCH_SMALL (500000), BENCH_LARGE (5000000), BENCH_WINDOW_ROWS, BENCH_RUNS.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { adminQuery, wholeSchemaPrismaClient, withDatabaseName } from '@app/db';
import { ELLA_SCHEMA_SQL } from '../simulators/ella/ella-schema.js';
import { adminDatabaseUrl, createScratchDatabase, freePort, importDist } from './bench.util.js';

type ConfigModule = typeof import('../apps/ella-ops/src/config.js');
type HealthModule = typeof import('../apps/ella-ops/src/health/health.service.js');
type DatabasesModule = typeof import('../apps/ella-ops/src/ella-db/ella-databases.js');
type RegistryModule = typeof import('../apps/ella-ops/src/instances/instance-registry.js');
type SupervisorsModule = typeof import('../apps/ella-ops/src/supervisor/supervisor-clients.js');
type ChecksModule = typeof import('../apps/ella-ops/src/monitor/monitor-checks.service.js');

const SMALL = Number(process.env['BENCH_SMALL'] ?? 500_000);
const LARGE = Number(process.env['BENCH_LARGE'] ?? 5_000_000);
const WINDOW_ROWS = Number(process.env['BENCH_WINDOW_ROWS'] ?? 5_000);
const RUNS = Number(process.env['BENCH_RUNS'] ?? 5);
const NOW = new Date('2026-11-26T10:00:00Z');
const WINDOW_MS = 15 * 60_000;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

/** Rows `from..to` (1-based) of history: spread over the 30 days before the window. */
async function insertHistory(pool: pg.Pool, from: number, to: number, total: number): Promise<void> {
  const chunk = 500_000;
  for (let start = from; start <= to; start += chunk) {
    const end = Math.min(to, start + chunk - 1);
    await pool.query(
      `INSERT INTO resourcelog (remote_addr, time, duration, method, resource, statuscode)
       SELECT '10.0.0.1', $1::timestamptz - interval '15 minutes' - (i::float8 / $4 * interval '30 days'),
              10 + (i % 200), CASE WHEN i % 3 = 0 THEN 'POST' ELSE 'GET' END,
              '/api/v1/resource/' || (i % 40) || '/', CASE WHEN i % 50 = 0 THEN 500 ELSE 200 END
       FROM generate_series($2::int, $3::int) AS i`,
      [NOW.toISOString(), start, end, total],
    );
  }
}

async function main(): Promise<void> {
  const adminUrl = adminDatabaseUrl();
  const name = `usp_bench_ella_${randomBytes(4).toString('hex')}`;
  await adminQuery(adminUrl, `CREATE DATABASE "${name}"`);
  const url = withDatabaseName(adminUrl, name);
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  const { loadEllaOpsConfig } = await importDist<ConfigModule>('apps/ella-ops/config.js');
  const { HealthService } = await importDist<HealthModule>('apps/ella-ops/health/health.service.js');
  const { EllaDatabases } = await importDist<DatabasesModule>('apps/ella-ops/ella-db/ella-databases.js');
  const { InstanceRegistry } = await importDist<RegistryModule>(
    'apps/ella-ops/instances/instance-registry.js',
  );
  const { SupervisorClients } = await importDist<SupervisorsModule>(
    'apps/ella-ops/supervisor/supervisor-clients.js',
  );
  const { MonitorChecks } = await importDist<ChecksModule>('apps/ella-ops/monitor/monitor-checks.service.js');
  const closed = `http://127.0.0.1:${await freePort()}`;
  const instance = (name: string, role: string, primary?: string) => ({
    name,
    role,
    ...(primary === undefined ? {} : { primary }),
    supervisorUrl: `${closed}/RPC2`,
    databaseUrl: url,
    ellaUrl: `${closed}/`,
    backupUrl: 'file:///tmp/ella-bench',
  });
  const config = loadEllaOpsConfig({
    JOB_TOKEN: `bench-job-${randomBytes(12).toString('hex')}`,
    ELLA_INSTANCES: JSON.stringify([
      instance('bench', 'primary'),
      instance('bench-dr', 'failover', 'bench'),
      instance('bench-staging', 'staging'),
    ]),
    ELLA_TIMEOUT_MS: '120000',
    // Web sign-in is required; the bench never signs in.
    AUTH_BASE_URL: 'http://127.0.0.1:3006',
    OIDC_ISSUER_URL: 'http://127.0.0.1:9/',
    OIDC_CLIENT_ID: 'bench',
    OIDC_CLIENT_SECRET: `bench-${randomBytes(12).toString('hex')}`,
    SESSION_SECRET: `bench-session-${randomBytes(24).toString('hex')}`,
  });
  const platform = await createScratchDatabase();
  const prisma = await wholeSchemaPrismaClient({ url: platform.url, poolSize: 3, connectTimeoutMs: 5000 });
  const registry = new InstanceRegistry(config.instances);
  const databases = new EllaDatabases(config.ELLA_TIMEOUT_MS);
  const health = new HealthService(
    registry,
    databases,
    new SupervisorClients({ timeoutMs: 1000, readAttempts: 1 }),
    config,
  );
  const ella = registry.get('bench');
  const from = new Date(NOW.getTime() - WINDOW_MS);

  async function measure(): Promise<{ ms: number; requests: number }> {
    let requests = 0;
    const times: number[] = [];
    for (let run = 0; run <= RUNS; run++) {
      const started = performance.now();
      requests = (await health.requestFigures(ella, from, NOW)).requests;
      if (run > 0) times.push(performance.now() - started);
    }
    return { ms: Math.round(median(times) * 10) / 10, requests };
  }

  try {
    await pool.query(ELLA_SCHEMA_SQL);
    const started = performance.now();
    // The window's rows, then history up to SMALL rows in all.
    await pool.query(
      `INSERT INTO resourcelog (remote_addr, time, duration, method, resource, statuscode)
       SELECT '10.0.0.1', $1::timestamptz - (i::float8 / $2 * interval '15 minutes'),
              10 + (i % 100) * 5, CASE WHEN i % 3 = 0 THEN 'POST' ELSE 'GET' END,
              '/api/v1/analyses/' || (i % 25) || '/', CASE WHEN i % 20 = 0 THEN 500 ELSE 200 END
       FROM generate_series(1, $2::int) AS i`,
      [NOW.toISOString(), WINDOW_ROWS],
    );
    await insertHistory(pool, 1, SMALL - WINDOW_ROWS, LARGE);
    await pool.query('ANALYZE resourcelog');
    const small = await measure();
    await insertHistory(pool, SMALL - WINDOW_ROWS + 1, LARGE - WINDOW_ROWS, LARGE);
    await pool.query('ANALYZE resourcelog');
    const loadSeconds = Math.round((performance.now() - started) / 1000);
    const large = await measure();
    const checks = new MonitorChecks(registry, health, databases, prisma, config);
    const monitorTimes: number[] = [];
    for (let run = 0; run <= RUNS; run++) {
      const started = performance.now();
      await Promise.all(registry.instances.map((one) => checks.check(one, NOW)));
      if (run > 0) monitorTimes.push(performance.now() - started);
    }
    const plan = await pool.query<{ 'QUERY PLAN': string }>(
      `EXPLAIN SELECT count(*) FROM resourcelog WHERE time >= $1 AND time < $2`,
      [from.toISOString(), NOW.toISOString()],
    );
    // Baseline: the same query, planner kept off the index (a sequential scan of the whole table).
    await pool.query(`ALTER DATABASE "${name}" SET enable_indexscan = off`);
    await pool.query(`ALTER DATABASE "${name}" SET enable_bitmapscan = off`);
    await databases.onModuleDestroy();
    const withoutIndex = await measure();
    console.log(
      JSON.stringify({
        bench: 'ella-health',
        windowRows: small.requests,
        rows: { small: SMALL, large: LARGE },
        healthQueryMs: { small: small.ms, large: large.ms, largeWithoutIndex: withoutIndex.ms },
        ratios: {
          largeOverSmall: Math.round((large.ms / small.ms) * 100) / 100,
          withoutIndexOverLarge: Math.round((withoutIndex.ms / large.ms) * 10) / 10,
        },
        planUsesTimeIndex: plan.rows.some((row) => row['QUERY PLAN'].includes('ix_resourcelog_time')),
        monitorChecks3InstancesMs: Math.round(median(monitorTimes) * 10) / 10,
        loadSeconds,
        runs: RUNS,
        note: 'median of runs after one warm-up; 2 shared cores, figures are noisy',
      }),
    );
  } finally {
    await databases.onModuleDestroy();
    await prisma.$disconnect();
    await platform.drop();
    await pool.end();
    await adminQuery(adminUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  }
}

await main();
