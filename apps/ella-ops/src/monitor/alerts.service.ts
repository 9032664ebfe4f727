import { Inject, Injectable } from '@nestjs/common';
import { PrismaService } from '@app/db';
import { EmailOutbox } from '@app/notifications';
import { ELLA_OPS_CONFIG, type EllaOpsConfig } from '../config.js';
import { type InstanceFindings, keyOf, type Problem } from './monitor.types.js';

export interface AlertPlan {
  open: Problem[];
  remind: { key: string; id: bigint; message: string; reminders: number; startedAt: Date }[];
  clear: { key: string; id: bigint; message: string; startedAt: Date }[];
}

/**
 * Alert state (ella_ops.alert) from the monitor's findings: a problem with no open alert opens one
 * and sends one email; an open alert whose problem lasts gets a reminder every ALERT_REPEAT_HOURS;
 * an open alert whose check was made and found nothing clears with one email. Each alert change and
 * its email are one transaction (the outbox), and emails carry a dedupe key, so a retried or
 * restarted run sends nothing twice.
 */
@Injectable()
export class AlertsService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly outbox: EmailOutbox,
    @Inject(ELLA_OPS_CONFIG) private readonly config: EllaOpsConfig,
  ) {}

  async plan(findings: InstanceFindings[], now: Date): Promise<AlertPlan> {
    const open = await this.prisma.ellaAlert.findMany({ where: { clearedAt: null } });
    const openByKey = new Map(open.map((alert) => [alert.key, alert]));
    const repeatMs = this.config.ALERT_REPEAT_HOURS * 3_600_000;
    const plan: AlertPlan = { open: [], remind: [], clear: [] };
    const current = new Set<string>();
    for (const finding of findings) {
      for (const problem of finding.problems) {
        const key = keyOf(problem);
        current.add(key);
        const alert = openByKey.get(key);
        if (alert === undefined) plan.open.push(problem);
        else if (now.getTime() - alert.lastSentAt.getTime() >= repeatMs) {
          plan.remind.push({
            key,
            id: alert.id,
            message: problem.message,
            reminders: alert.reminders,
            startedAt: alert.startedAt,
          });
        }
      }
      for (const check of finding.checked) {
        const key = keyOf({ instance: finding.instance, check });
        const alert = openByKey.get(key);
        if (alert !== undefined && !current.has(key)) {
          plan.clear.push({ key, id: alert.id, message: alert.message, startedAt: alert.startedAt });
        }
      }
    }
    return plan;
  }

  async apply(plan: AlertPlan, now: Date): Promise<void> {
    const to = this.config.ONCALL_EMAILS;
    const send = async (
      tx: Parameters<EmailOutbox['sendEmail']>[1],
      subject: string,
      text: string,
      dedupeKey: string,
    ) => {
      if (to.length > 0) await this.outbox.sendEmail({ to, subject, text, dedupeKey }, tx);
    };
    for (const problem of plan.open) {
      await this.prisma.$transaction(async (tx) => {
        const alert = await tx.ellaAlert.create({
          data: {
            key: keyOf(problem),
            instance: problem.instance,
            check: problem.check,
            message: problem.message,
            startedAt: now,
            lastSentAt: now,
          },
        });
        await send(
          tx,
          `[ella-ops] ${problem.instance}: ${problem.check} problem`,
          `${problem.message}\n\nSince ${now.toISOString()}. ella-ops reminds you every ${this.config.ALERT_REPEAT_HOURS} hours while it lasts and says when it clears.`,
          `ella-ops:alert:${alert.id}:start`,
        );
      });
    }
    for (const reminder of plan.remind) {
      await this.prisma.$transaction(async (tx) => {
        const n = reminder.reminders + 1;
        await tx.ellaAlert.update({
          where: { id: reminder.id },
          data: { lastSentAt: now, reminders: n, message: reminder.message },
        });
        await send(
          tx,
          `[ella-ops] ${reminder.key.replace(':', ': ')} problem continues`,
          `${reminder.message}\n\nThis has lasted since ${reminder.startedAt.toISOString()} (reminder ${n}).`,
          `ella-ops:alert:${reminder.id}:reminder:${n}`,
        );
      });
    }
    for (const cleared of plan.clear) {
      await this.prisma.$transaction(async (tx) => {
        await tx.ellaAlert.update({ where: { id: cleared.id }, data: { clearedAt: now } });
        await send(
          tx,
          `[ella-ops] ${cleared.key.replace(':', ': ')} cleared`,
          `Cleared at ${now.toISOString()}: ${cleared.message} (since ${cleared.startedAt.toISOString()}).`,
          `ella-ops:alert:${cleared.id}:clear`,
        );
      });
    }
  }
}
