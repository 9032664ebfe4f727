import { Inject, Injectable } from '@nestjs/common';
import { PrismaService } from '@app/db';
import { APP_NAME } from '../audit/ella-audit.js';
import { ELLA_OPS_CONFIG, type EllaOpsConfig } from '../config.js';
import { EllaDatabases } from '../ella-db/ella-databases.js';
import { HealthService } from '../health/health.service.js';
import { InstanceRegistry } from '../instances/instance-registry.js';
import type { EllaInstance } from '../instances/instance.types.js';
import { processProblems, type Programs } from './expected-state.util.js';
import type { InstanceFindings, Problem } from './monitor.types.js';

/**
 * The monitor's checks of one instance, reading only: processes against their expected state, 5xx
 * rate and p95 over the thresholds, UI exceptions in the window, database and API answers, the age of
 * the newest verified backup (primaries and staging). A check that cannot be made is left out of
 * `checked`, so that a failed read never clears an alert; so is the API while the instance is expected
 * stopped (planned downtime).
 */
@Injectable()
export class MonitorChecks {
  constructor(
    private readonly registry: InstanceRegistry,
    private readonly health: HealthService,
    private readonly databases: EllaDatabases,
    private readonly prisma: PrismaService,
    @Inject(ELLA_OPS_CONFIG) private readonly config: EllaOpsConfig,
  ) {}

  async check(instance: EllaInstance, now: Date): Promise<InstanceFindings> {
    const name = instance.name;
    const minutes = this.config.HEALTH_WINDOW_MINUTES;
    const health = await this.health.health(name, minutes, now);
    const problems: Problem[] = [];
    const checked: Problem['check'][] = ['database'];
    const add = (check: Problem['check'], message: string) =>
      problems.push({ instance: name, check, message });
    if (!health.database.ok) add('database', `the ELLA database does not answer: ${health.database.error}`);

    const own = programsOf(health.processes);
    const primary = instance.role === 'failover' ? this.registry.partnersOf(instance)[0] : undefined;
    const primaryPrograms =
      primary === undefined
        ? undefined
        : programsOf((await this.health.health(primary.name, minutes, now)).processes);
    const stopped =
      instance.role === 'failover'
        ? false
        : (await this.stoppedByOperator(name)) || (await this.releaseHoldsStopped(name));
    const primaryInRelease = primary === undefined ? false : await this.releaseHoldsStopped(primary.name);
    // Planned downtime (an operator's stop, a release between its steps 2 and 6): ELLA's API is
    // expected not to answer, so it is not checked (its alert neither opens nor clears meanwhile).
    if (!stopped) {
      checked.push('api');
      if (!health.api.ok) add('api', `ELLA's API does not answer: ${health.api.error}`);
    }
    problems.push(
      ...processProblems(
        instance,
        own,
        stopped,
        primary && primaryPrograms
          ? { instance: primary, programs: primaryPrograms, inRelease: primaryInRelease }
          : undefined,
      ),
    );
    // Whether or not supervisord answered, the process check was made; the failover rule only when
    // both supervisords answered.
    checked.push('processes');
    if (instance.role === 'failover' && own.reachable && primaryPrograms?.reachable === true)
      checked.push('failover');

    if (health.requests !== null) {
      checked.push('errors', 'latency', 'ui-exceptions');
      const r = health.requests;
      if (r.requests > 0 && r.errorRate > this.config.HEALTH_MAX_5XX_RATE) {
        add(
          'errors',
          `${r.errors5xx} of ${r.requests} requests (${(r.errorRate * 100).toFixed(1)}%) answered 5xx in the last ${minutes} minutes`,
        );
      }
      if (r.p95Ms !== null && r.p95Ms > this.config.HEALTH_MAX_P95_MS) {
        add(
          'latency',
          `p95 response time ${r.p95Ms} ms in the last ${minutes} minutes (limit ${this.config.HEALTH_MAX_P95_MS} ms)`,
        );
      }
      const from = new Date(now.getTime() - minutes * 60_000);
      const rows = await this.databases
        .query<{ count: number; message: string | null }>(
          instance,
          `SELECT count(*)::int AS count, (array_agg(message ORDER BY time DESC))[1] AS message
             FROM uiexception WHERE time >= $1 AND time < $2`,
          [from.toISOString(), now.toISOString()],
        )
        .catch(() => null);
      const count = rows?.[0]?.count ?? 0;
      if (rows === null) checked.pop();
      else if (count > 0)
        add(
          'ui-exceptions',
          `${count} UI exception(s) in the last ${minutes} minutes, the newest: ${rows[0]?.message ?? ''}`,
        );
    }

    if (instance.role !== 'failover') {
      checked.push('backup');
      const newest = await this.prisma.ellaBackup.findFirst({
        where: { instance: name, status: 'verified' },
        orderBy: [{ startedAt: 'desc' }, { id: 'desc' }],
      });
      const limit = this.config.BACKUP_MAX_AGE_HOURS;
      if (newest === null) add('backup', 'there is no verified backup');
      else if (now.getTime() - newest.startedAt.getTime() > limit * 3_600_000) {
        add(
          'backup',
          `the newest verified backup is from ${newest.startedAt.toISOString()}, over ${limit} hours ago`,
        );
      }
    }
    return { instance: name, checked, problems };
  }

  /**
   * Whether an open release holds the instance stopped: its step 2 (stop ELLA) ran or runs, and its
   * step 6 (start ELLA) is not done yet. An aborted or completed release holds nothing.
   */
  private async releaseHoldsStopped(name: string): Promise<boolean> {
    const held = await this.prisma.ellaRelease.count({
      where: {
        instance: name,
        status: { in: ['in_progress', 'failed'] },
        AND: [
          { steps: { some: { number: 2, status: { in: ['running', 'done'] } } } },
          { steps: { some: { number: 6, status: { not: 'done' } } } },
        ],
      },
    });
    return held > 0;
  }

  /**
   * Whether the last start or stop of the whole instance through the gateway that was done is an
   * operator's stop (a release's stop, `after.via`, is the release's to explain while it is open).
   */
  private async stoppedByOperator(name: string): Promise<boolean> {
    const events = await this.prisma.auditEvent.findMany({
      where: {
        app: APP_NAME,
        entityType: 'ella-instance',
        entityId: name,
        action: { in: ['instance.start', 'instance.stop'] },
      },
      orderBy: { id: 'desc' },
      take: 50,
    });
    const done = events.find((event) => {
      const after = event.after as { outcome?: unknown } | null;
      return after !== null && after.outcome === undefined;
    });
    const via = (done?.after as { via?: unknown } | null | undefined)?.via;
    return done?.action === 'instance.stop' && via === undefined;
  }
}

function programsOf(processes: Awaited<ReturnType<HealthService['health']>>['processes']): Programs {
  return processes.ok
    ? { reachable: true, programs: processes.programs }
    : { reachable: false, reason: processes.error };
}
