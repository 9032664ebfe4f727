import { Inject, Injectable } from '@nestjs/common';
import { AttemptTimeoutError, HttpPolicy } from '@app/http';
import { ELLA_OPS_CONFIG, type EllaOpsConfig } from '../config.js';
import { EllaDatabases } from '../ella-db/ella-databases.js';
import { InstanceRegistry } from '../instances/instance-registry.js';
import type { EllaInstance } from '../instances/instance.types.js';
import { SupervisorClients } from '../supervisor/supervisor-clients.js';
import type { Check, HealthView, RequestFigures } from './health.types.js';

interface TotalsRow {
  requests: number;
  errors: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

interface SlowRow {
  method: string;
  resource: string;
  requests: number;
  p95: number;
  max: number;
}

/**
 * An instance's health for a window: request figures from ELLA's `resourcelog` (each query bounded by
 * `time`, so PostgreSQL uses the time index), supervisord's program states, and whether the database
 * and ELLA's API answer and how fast. One part failing never hides the others.
 */
@Injectable()
export class HealthService {
  /**
   * The policy of the ELLA API probe: one attempt of at most `ELLA_TIMEOUT_MS`, never repeated (a
   * probe reports what it saw: a retry would hide an API that fails every other call);
   * `apiPolicy.calls` counts the probes sent.
   */
  readonly apiPolicy: HttpPolicy;

  constructor(
    private readonly registry: InstanceRegistry,
    private readonly databases: EllaDatabases,
    private readonly supervisors: SupervisorClients,
    @Inject(ELLA_OPS_CONFIG) private readonly config: EllaOpsConfig,
  ) {
    this.apiPolicy = new HttpPolicy({
      system: 'ELLA API',
      timeoutMs: config.ELLA_TIMEOUT_MS,
      maxAttempts: 1,
    });
  }

  async health(name: string, windowMinutes: number | undefined, now: Date): Promise<HealthView> {
    const instance = this.registry.get(name);
    const minutes = windowMinutes ?? this.config.HEALTH_WINDOW_MINUTES;
    const from = new Date(now.getTime() - minutes * 60_000);
    const [requests, processes, database, api] = await Promise.all([
      this.requestFigures(instance, from, now).catch(() => null),
      this.processes(instance),
      timed(async () => {
        await this.databases.query(instance, 'SELECT 1');
      }),
      timed(() => this.probeApi(instance)),
    ]);
    return {
      instance: name,
      window: { minutes, from: from.toISOString(), to: now.toISOString() },
      requests,
      processes,
      database,
      api,
    };
  }

  /** The figures of `resourcelog` rows with `from <= time < to`. */
  async requestFigures(instance: EllaInstance, from: Date, to: Date): Promise<RequestFigures> {
    const range = [from.toISOString(), to.toISOString()];
    const [totals, slowest] = await Promise.all([
      this.databases.query<TotalsRow>(
        instance,
        `SELECT count(*)::int AS requests,
                count(*) FILTER (WHERE statuscode >= 500)::int AS errors,
                percentile_disc(0.5) WITHIN GROUP (ORDER BY duration) AS p50,
                percentile_disc(0.95) WITHIN GROUP (ORDER BY duration) AS p95,
                percentile_disc(0.99) WITHIN GROUP (ORDER BY duration) AS p99
           FROM resourcelog
          WHERE time >= $1 AND time < $2`,
        range,
      ),
      this.databases.query<SlowRow>(
        instance,
        `SELECT method, resource, count(*)::int AS requests,
                percentile_disc(0.95) WITHIN GROUP (ORDER BY duration) AS p95, max(duration) AS max
           FROM resourcelog
          WHERE time >= $1 AND time < $2
          GROUP BY method, resource
          ORDER BY p95 DESC, max DESC, method, resource
          LIMIT 5`,
        range,
      ),
    ]);
    const row = totals[0] ?? { requests: 0, errors: 0, p50: null, p95: null, p99: null };
    return {
      requests: row.requests,
      errors5xx: row.errors,
      errorRate: row.requests === 0 ? 0 : row.errors / row.requests,
      p50Ms: row.p50,
      p95Ms: row.p95,
      p99Ms: row.p99,
      slowest: slowest.map((s) => ({
        method: s.method,
        resource: s.resource,
        requests: s.requests,
        p95Ms: s.p95,
        maxMs: s.max,
      })),
    };
  }

  /** ELLA's `GET /api/v1/broadcasts/`: its status, or an error saying why it failed. */
  private probeApi(instance: EllaInstance): Promise<number> {
    const url = new URL('api/v1/broadcasts/', withSlash(instance.ellaUrl));
    return this.apiPolicy.run(
      async ({ signal }) => {
        const response = await fetch(url, { signal });
        await response.arrayBuffer();
        if (!response.ok)
          throw Object.assign(new Error(`HTTP ${response.status}`), { status: response.status });
        return response.status;
      },
      { repeatable: true },
    );
  }

  private async processes(instance: EllaInstance): Promise<HealthView['processes']> {
    const client = this.supervisors.for(instance);
    try {
      const [state, programs] = await Promise.all([client.getState(), client.getAllProcessInfo()]);
      return {
        ok: true,
        supervisor: state.statename,
        programs: programs.map((p) => ({ name: p.name, state: p.statename })),
      };
    } catch (error) {
      return { ok: false, error: (error as Error).message };
    }
  }
}

const withSlash = (url: string) => (url.endsWith('/') ? url : `${url}/`);

async function timed(work: () => Promise<number | void>): Promise<Check> {
  const started = performance.now();
  try {
    const status = await work();
    const ms = Math.round(performance.now() - started);
    return status === undefined ? { ok: true, ms } : { ok: true, ms, status };
  } catch (error) {
    const { name, message, status } = error as { name?: string; message?: string; status?: unknown };
    const timedOut = error instanceof AttemptTimeoutError || name === 'TimeoutError';
    const text = timedOut ? 'no answer in time' : (message ?? 'failed');
    const ms = Math.round(performance.now() - started);
    return typeof status === 'number'
      ? { ok: false, ms, status, error: text }
      : { ok: false, ms, error: text };
  }
}
