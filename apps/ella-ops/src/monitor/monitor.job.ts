import { HttpException, Injectable } from '@nestjs/common';
import { PrismaService } from '@app/db';
import { Job, type JobContext, type JobHandler, type JobOutcome } from '@app/jobs';
import { BackupsService } from '../backups/backups.service.js';
import { BroadcastsService } from '../broadcasts/broadcasts.service.js';
import { Clock } from '../clock.js';
import { InstanceRegistry } from '../instances/instance-registry.js';
import { AlertsService } from './alerts.service.js';
import { MonitorChecks } from './monitor-checks.service.js';
import { keyOf } from './monitor.types.js';

export interface MonitorSummary {
  message: string;
  problems: { key: string; message: string }[];
  opened: string[];
  reminded: string[];
  cleared: string[];
  broadcastsDeactivated: string[];
  /** Expired broadcasts this run could not end (e.g. their database is unreachable): tried again next run. */
  broadcastsNotEnded: { broadcast: string; error: string }[];
  /** Backups still running BACKUP_TIMEOUT_MINUTES after they started, marked failed. */
  backupsLost: string[];
}

/**
 * `POST /jobs/monitor` (Cloud Scheduler, every few minutes): checks every instance, then opens,
 * reminds and clears alerts (emails to ONCALL_EMAILS), and deactivates broadcasts whose end has
 * passed (one that is gone or already inactive, 404 or 409, has ended; any other error leaves it for the
 * next run, listed in `broadcastsNotEnded`); first it marks failed the backups lost while running
 * (BACKUP_TIMEOUT_MINUTES). A dry run checks and plans the same way and changes nothing.
 */
@Injectable()
@Job({
  name: 'monitor',
  description: 'Check every ELLA instance, email the on-duty list, end expired broadcasts',
})
export class MonitorJob implements JobHandler {
  constructor(
    private readonly registry: InstanceRegistry,
    private readonly checks: MonitorChecks,
    private readonly alerts: AlertsService,
    private readonly broadcasts: BroadcastsService,
    private readonly backups: BackupsService,
    private readonly prisma: PrismaService,
    private readonly clock: Clock,
  ) {}

  async run(ctx: JobContext): Promise<JobOutcome<MonitorSummary>> {
    const now = this.clock.now();
    // A lost backup (the app stopped while it ran) is failed first, so the backup check sees it so.
    const lost = ctx.dryRun ? [] : await this.backups.failStale();
    const findings = await Promise.all(
      this.registry.instances.map((instance) => this.checks.check(instance, now)),
    );
    const plan = await this.alerts.plan(findings, now);
    const expired = await this.prisma.ellaBroadcastEnd.findMany({
      where: { deactivatedAt: null, endsAt: { lte: now } },
    });
    const ended: string[] = [];
    const notEnded: MonitorSummary['broadcastsNotEnded'] = [];
    if (!ctx.dryRun) {
      ctx.assertLockHeld();
      await this.alerts.apply(plan, now);
      for (const end of expired) {
        try {
          await this.broadcasts.deactivate(
            end.instance,
            end.broadcastId,
            'its end time passed',
            'job:monitor',
          );
        } catch (error) {
          const over = error instanceof HttpException && [404, 409].includes(error.getStatus());
          if (!over) {
            // Its database did not answer (or another failure): still active, tried again next run.
            notEnded.push({
              broadcast: `${end.instance}/${end.broadcastId}`,
              error: (error as Error).message,
            });
            continue;
          }
          // Already inactive (deactivated in ELLA), gone, or its instance is gone: it has ended either way.
          await this.prisma.ellaBroadcastEnd.update({
            where: { instance_broadcastId: { instance: end.instance, broadcastId: end.broadcastId } },
            data: { deactivatedAt: now },
          });
        }
        ended.push(`${end.instance}/${end.broadcastId}`);
      }
    }
    const problems = findings.flatMap((f) => f.problems).map((p) => ({ key: keyOf(p), message: p.message }));
    const summary: MonitorSummary = {
      message: `${problems.length} problem(s) on ${findings.length} instance(s); alerts opened ${plan.open.length}, reminded ${plan.remind.length}, cleared ${plan.clear.length}${notEnded.length > 0 ? `; ${notEnded.length} expired broadcast(s) could not be ended` : ''}${ctx.dryRun ? ' (dry run: nothing sent or changed)' : ''}`,
      problems,
      opened: plan.open.map(keyOf),
      reminded: plan.remind.map((r) => r.key),
      cleared: plan.clear.map((c) => c.key),
      broadcastsDeactivated: ctx.dryRun ? expired.map((e) => `${e.instance}/${e.broadcastId}`) : ended,
      broadcastsNotEnded: notEnded,
      backupsLost: lost,
    };
    return { status: 'succeeded', summary };
  }
}
