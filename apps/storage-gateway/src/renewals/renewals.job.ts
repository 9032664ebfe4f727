import { Injectable } from '@nestjs/common';
import { PrismaService } from '@app/db';
import { Job, type AuditInput, type JobContext, type JobHandler, type JobOutcome } from '@app/jobs';
import { EmailOutbox } from '@app/notifications';
import { mapWithConcurrency } from '@app/http';
import type { AccountState } from '../accounts/account-state.util.js';
import { calendarDateOf, type CalendarDate } from '../domain/calendar.util.js';
import { Clock } from '../domain/clock.js';
import { StorageSettings } from '../domain/storage-settings.js';
import { OrderTasks } from '../domain/order-tasks.js';
import { asDate } from '../domain/calendar.util.js';
import { planRenewals, type RenewalAction, type RenewalCandidate, renewalEmail } from './renewals.util.js';

export interface RenewalsSummary {
  today: CalendarDate;
  reminders: number;
  expired: number;
  suspended: number;
  accessReapplied: number;
  emailsQueued: number;
  /** The first actions, for a person reading the run (a dry run lists what would happen). */
  actions: { kind: RenewalAction['kind']; account: string; daysBefore?: number }[];
  message: string;
}

const LISTED = 200;
/** The renewals transaction: minutes at most, even for a first run over every account. */
const RUN_TRANSACTION_TIMEOUT_MS = 300_000;
/** apply-access tasks queued at once. */
const TASK_ENQUEUE_CONCURRENCY = 16;

/**
 * `POST /jobs/renewals`, daily: reminders before expiry (each sent once), read-only at expiry,
 * suspended after the grace period, every change audited and emailed to the owner and managers, and
 * the backend's access set by apply-access tasks. It reads every candidate in one statement and
 * applies each kind of change in one statement, so its cost in statements does not grow with the
 * number of accounts. A dry run reads and plans the same way and changes nothing.
 */
@Injectable()
@Job({
  name: 'renewals',
  description: 'Renewal reminders, expiry to read-only, suspension after the grace period',
})
export class RenewalsJob implements JobHandler {
  constructor(
    private readonly prisma: PrismaService,
    private readonly outbox: EmailOutbox,
    private readonly tasks: OrderTasks,
    private readonly settings: StorageSettings,
    private readonly clock: Clock,
  ) {}

  async run(ctx: JobContext): Promise<JobOutcome<RenewalsSummary>> {
    const today = this.clock.today();
    const candidates = await this.candidates(today);
    const actions = planRenewals(candidates, today, this.settings.reminderDays, this.settings.graceDays);
    const count = (kind: RenewalAction['kind']) => actions.filter((a) => a.kind === kind).length;
    const summary: RenewalsSummary = {
      today,
      reminders: count('remind'),
      expired: count('expire'),
      suspended: count('suspend'),
      accessReapplied: count('reapply-access'),
      emailsQueued: 0,
      actions: actions.slice(0, LISTED).map((a) => ({
        kind: a.kind,
        account: a.account.reference,
        ...(a.kind === 'remind' ? { daysBefore: a.daysBefore } : {}),
      })),
      message: '',
    };
    if (ctx.dryRun) {
      summary.message = `Dry run: ${describe(summary)} would be done; nothing changed`;
      return { status: 'succeeded', summary };
    }

    ctx.assertLockHeld();
    const changed = await this.prisma.$transaction(
      async (tx) => {
        const ids = (kind: 'expire' | 'suspend') =>
          actions.filter((a) => a.kind === kind).map((a) => a.account.id);
        // Each update re-checks the state (and, for reminders, the expiry) it expects, so a renewal
        // completed since the read is left alone.
        const expired = await tx.$queryRaw<{ id: string }[]>`
        UPDATE storage.account SET state = 'expired', updated_at = now()
         WHERE id = ANY(${ids('expire')}::uuid[]) AND state = 'active' AND expires_on <= ${asDate(today)}::date
        RETURNING id`;
        const suspended = await tx.$queryRaw<{ id: string }[]>`
        UPDATE storage.account SET state = 'suspended', updated_at = now()
         WHERE id = ANY(${ids('suspend')}::uuid[]) AND state IN ('active', 'expired')
           AND expires_on + ${this.settings.graceDays}::int <= ${asDate(today)}::date
        RETURNING id`;
        const reminders = actions.filter(
          (a): a is Extract<RenewalAction, { kind: 'remind' }> => a.kind === 'remind',
        );
        const reminded = await tx.$queryRaw<{ id: string; due: number }[]>`
        UPDATE storage.account a SET reminders_sent = array_append(a.reminders_sent, r.due), updated_at = now()
          FROM unnest(${reminders.map((r) => r.account.id)}::uuid[], ${reminders.map((r) => r.daysBefore)}::int[],
                      ${reminders.map((r) => r.account.expiresOn)}::date[]) AS r(id, due, expires_on)
         WHERE a.id = r.id AND a.state = 'active' AND a.expires_on = r.expires_on
           AND NOT (r.due = ANY(a.reminders_sent))
        RETURNING a.id, r.due`;

        const done = new Set([...expired, ...suspended].map((r) => r.id));
        const remindedIds = new Set(reminded.map((r) => `${r.id}:${r.due}`));
        const applied = actions.filter((a) =>
          a.kind === 'remind'
            ? remindedIds.has(`${a.account.id}:${a.daysBefore}`)
            : a.kind === 'reapply-access' || done.has(a.account.id),
        );
        const audits: AuditInput[] = applied
          .filter((a) => a.kind === 'expire' || a.kind === 'suspend')
          .map((a) => ({
            action: a.kind === 'expire' ? 'account.expire' : 'account.suspend',
            entityType: 'account',
            entityId: a.account.id,
            before: { state: a.account.state },
            after: { state: a.kind === 'expire' ? 'expired' : 'suspended' },
            reason: `expiry on ${a.account.expiresOn}`,
          }));
        await ctx.auditMany(audits, tx);
        summary.emailsQueued = await this.outbox.sendEmails(
          applied
            .filter(
              (a): a is Exclude<RenewalAction, { kind: 'reapply-access' }> => a.kind !== 'reapply-access',
            )
            .filter((a) => a.account.recipients.length > 0)
            .map((a) => renewalEmail(a, today, this.settings.graceDays)),
          tx,
        );
        return applied;
        // A first day with thousands of changes takes seconds (the default allows five).
      },
      { timeout: RUN_TRANSACTION_TIMEOUT_MS, maxWait: 10_000 },
    );

    // The backend's access follows the state: one task per account and day (a repeated run queues
    // nothing new), queued a few at a time (each is a Cloud Tasks call). A failure here fails the run;
    // the accounts it missed are queued again by the next run, which sees their backend access behind.
    const accessChanges = changed.filter((a) => a.kind !== 'remind');
    await mapWithConcurrency(accessChanges, TASK_ENQUEUE_CONCURRENCY, (action) =>
      this.tasks.enqueue(
        'apply-access',
        { accountId: action.account.id },
        `apply-access-${action.account.id}-${today}`,
      ),
    );
    summary.reminders = changed.filter((a) => a.kind === 'remind').length;
    summary.expired = changed.filter((a) => a.kind === 'expire').length;
    summary.suspended = changed.filter((a) => a.kind === 'suspend').length;
    summary.message = describe(summary);
    return { status: 'succeeded', summary };
  }

  /** Every account the calendar may act on today, with its owner and managers: one statement. */
  private async candidates(today: CalendarDate): Promise<RenewalCandidate[]> {
    const horizon = Math.max(...this.settings.reminderDays);
    const rows = await this.prisma.$queryRaw<
      {
        id: string;
        reference: string;
        name: string;
        state: AccountState;
        expires_on: Date;
        reminders_sent: number[] | null;
        backend_access: string | null;
        recipients: string[];
      }[]
    >`
      SELECT a.id, a.reference, a.name, a.state, a.expires_on, a.reminders_sent, a.backend_access,
             array_remove(a.owner_email || coalesce(array_agg(m.email ORDER BY m.email) FILTER (WHERE m.email IS NOT NULL), '{}'), NULL) AS recipients
        FROM storage.account a
        LEFT JOIN storage.account_manager m ON m.account_id = a.id
       WHERE a.expires_on IS NOT NULL
         AND (   (a.state = 'active' AND a.expires_on <= ${asDate(today)}::date + ${horizon}::int)
              OR (a.state = 'expired')
              OR (a.state = 'suspended' AND a.backend_access IS DISTINCT FROM 'none'))
       GROUP BY a.id
       ORDER BY a.expires_on, a.id`;
    return rows.map((r) => ({
      id: r.id,
      reference: r.reference,
      name: r.name,
      state: r.state,
      expiresOn: calendarDateOf(r.expires_on),
      remindersSent: r.reminders_sent ?? [],
      backendAccess: r.backend_access,
      recipients: r.recipients,
    }));
  }
}

function describe(s: RenewalsSummary): string {
  return `${s.reminders} reminder(s), ${s.expired} expired to read-only, ${s.suspended} suspended, ${s.accessReapplied} access re-applied`;
}
