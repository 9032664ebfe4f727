import { Injectable, Logger } from '@nestjs/common';
import { PrismaService } from '@app/db';
import type { AuditInput } from '@app/jobs';
import { accessFor } from '../accounts/account-state.util.js';
import { StorageBackendClient, StorageBackendRefusal } from '../backend/storage-backend.client.js';
import { addYears, calendarDateOf } from '../domain/calendar.util.js';
import { Clock } from '../domain/clock.js';
import { OrderTasks } from '../domain/order-tasks.js';
import { OrdersService } from '../orders/orders.service.js';
import { asDate } from '../domain/calendar.util.js';

/** What a task did: `done`, `skipped` (nothing to do: a repeated or late delivery), or `refused` by the backend. */
export interface TaskOutcome {
  outcome: 'done' | 'skipped' | 'refused';
  detail: string;
}

/**
 * The work after approval: set the storage up in the backend, then complete the order and bring the
 * account to its new size, term and state, in one transaction. Backend calls are idempotent PUTs and
 * the order moves approved → provisioning → completed only from those states, so a task delivered
 * twice, or again after a crash between the backend and the database, ends in the same place.
 * An unreachable backend throws (the task answers 503 and Cloud Tasks retries).
 */
@Injectable()
export class ProvisioningService {
  private readonly logger = new Logger(ProvisioningService.name);

  constructor(
    private readonly prisma: PrismaService,
    private readonly orders: OrdersService,
    private readonly backend: StorageBackendClient,
    private readonly clock: Clock,
    private readonly tasks: OrderTasks,
  ) {}

  async provision(orderId: string): Promise<TaskOutcome> {
    const started = await this.orders.move(orderId, 'start_provisioning', 'system');
    const order = started.order;
    if (order.state !== 'provisioning') {
      return { outcome: 'skipped', detail: `order ${order.reference} is ${order.state.replace('_', ' ')}` };
    }
    // This run becomes the order's latest, under the order's row lock: from now until it ends, an
    // administrator's cancel is refused (it needs this run's refusal), and a cancel that came first
    // stops it here, before the backend.
    const run = await this.orders.beginProvisionRun(orderId);
    if (run === null) {
      const now = await this.prisma.storageOrder.findUniqueOrThrow({
        where: { id: orderId },
        select: { state: true },
      });
      return { outcome: 'skipped', detail: `order ${order.reference} is ${now.state.replace('_', ' ')}` };
    }
    const row = await this.prisma.storageOrder.findUniqueOrThrow({
      where: { id: orderId },
      include: { quote: true, account: true },
    });
    const { quote, account } = row;
    const today = this.clock.today();
    let backendChanged = false;
    try {
      if (quote.kind === 'new') {
        await this.backend.ensure(account.reference, {
          product: quote.productCode,
          quotaTb: quote.sizeTb,
          access: 'read-write',
        });
      } else {
        await this.backend.setQuota(account.reference, quote.sizeTb);
        backendChanged = true;
        if (quote.kind === 'renewal') await this.backend.setAccess(account.reference, 'read-write');
      }
    } catch (error) {
      if (error instanceof StorageBackendRefusal) {
        this.logger.error(
          { event: 'provisioning_refused', order: order.reference, code: error.code },
          error.message,
        );
        // A renewal's quota set before its access was refused: put the quota back, so that the
        // backend is as the account says whether the order is retried or cancelled.
        const undone = backendChanged ? await this.restore(account.id) : undefined;
        await this.orders.recordProvisionRefusal(orderId, run, error.message, undone);
        return {
          outcome: 'refused',
          detail: undone === undefined ? error.message : `${error.message} (${undone})`,
        };
      }
      throw error;
    }

    const completed = await this.orders.move(orderId, 'provisioned', 'system', undefined, {
      alsoInTransaction: async (tx) => {
        const current = await tx.storageAccount.findUniqueOrThrow({ where: { id: account.id } });
        const data =
          quote.kind === 'new'
            ? {
                state: 'active' as const,
                sizeTb: quote.sizeTb,
                startsOn: asDate(today),
                expiresOn: asDate(addYears(today, quote.years ?? 1)),
                backendAccess: 'read-write',
              }
            : quote.kind === 'increase'
              ? { sizeTb: quote.sizeTb }
              : {
                  state: 'active' as const,
                  sizeTb: quote.sizeTb,
                  expiresOn: quote.periodEnd,
                  remindersSent: [],
                  backendAccess: 'read-write',
                };
        const after = await tx.storageAccount.update({ where: { id: account.id }, data });
        const events: AuditInput[] = [
          {
            action:
              quote.kind === 'new'
                ? 'account.activate'
                : quote.kind === 'increase'
                  ? 'account.increase'
                  : 'account.renew',
            entityType: 'account',
            entityId: account.id,
            before: snapshot(current),
            after: snapshot(after),
            reason: `order ${order.reference}`,
          },
        ];
        return events;
      },
    });
    // Projects made while the account was pending reach the backend now.
    if (completed.changed && quote.kind === 'new') {
      await this.tasks.enqueue(
        'sync-members',
        { accountId: account.id },
        `sync-members-${account.id}-provisioned`,
      );
    }
    if (!completed.changed && completed.order.state === 'cancelled') {
      // Cancelled after this run changed the backend (the cancel rule should prevent it): undo what
      // the run did, so that the backend is as the account says, and say so in the audit log.
      const undone = await this.restore(account.id);
      await this.orders.recordBackendRestored(order.reference, account.id, { undone });
      return { outcome: 'skipped', detail: `order ${order.reference} is cancelled (${undone})` };
    }
    return completed.changed
      ? { outcome: 'done', detail: `order ${order.reference} completed` }
      : {
          outcome: 'skipped',
          detail: `order ${order.reference} is ${completed.order.state.replace('_', ' ')}`,
        };
  }

  /**
   * Puts the backend back as the account is now (its size, and the access its state allows) after a
   * provision run that did not complete; says what it did. A refusal is reported, not thrown.
   */
  private async restore(accountId: string): Promise<string> {
    const account = await this.prisma.storageAccount.findUniqueOrThrow({ where: { id: accountId } });
    const access = accessFor(account.state);
    try {
      await this.backend.setQuota(account.reference, account.sizeTb);
      await this.backend.setAccess(account.reference, access);
    } catch (error) {
      if (error instanceof StorageBackendRefusal) {
        this.logger.error(
          { event: 'provisioning_restore_refused', account: account.reference, code: error.code },
          error.message,
        );
        return `restoring ${account.sizeTb} TB ${access} was refused: ${error.message}`;
      }
      throw error;
    }
    await this.prisma.storageAccount.update({ where: { id: accountId }, data: { backendAccess: access } });
    return `backend restored to ${account.sizeTb} TB ${access}`;
  }

  /** Sets the backend's access to what the account's state allows now (after expiry, suspension or renewal). */
  async applyAccess(accountId: string): Promise<TaskOutcome> {
    const account = await this.prisma.storageAccount.findUnique({ where: { id: accountId } });
    if (account === null || account.state === 'pending') {
      return {
        outcome: 'skipped',
        detail: account === null ? 'no such account' : 'the account is not set up yet',
      };
    }
    const access = accessFor(account.state);
    try {
      await this.backend.setAccess(account.reference, access);
    } catch (error) {
      if (error instanceof StorageBackendRefusal) return { outcome: 'refused', detail: error.message };
      throw error;
    }
    // What the backend was told, whatever the state is now: if a renewal completed meanwhile, the
    // next renewals run sees the two differ and applies the access again.
    await this.prisma.storageAccount.update({ where: { id: accountId }, data: { backendAccess: access } });
    return { outcome: 'done', detail: `${account.reference} is ${access}` };
  }

  /** Sends every project's managers and users to the backend as they are now (a late or repeated task sends the same). */
  async syncMembers(accountId: string): Promise<TaskOutcome> {
    const account = await this.prisma.storageAccount.findUnique({
      where: { id: accountId },
      include: { projects: { include: { members: true }, orderBy: { name: 'asc' } } },
    });
    if (account === null || account.state === 'pending' || account.state === 'closed') {
      return {
        outcome: 'skipped',
        detail: account === null ? 'no such account' : `the account is ${account.state}`,
      };
    }
    try {
      for (const project of account.projects) {
        await this.backend.setProject(account.reference, project.name, {
          managers: project.members
            .filter((m) => m.role === 'manager')
            .map((m) => m.email)
            .sort(),
          users: project.members
            .filter((m) => m.role === 'user')
            .map((m) => m.email)
            .sort(),
        });
      }
    } catch (error) {
      if (error instanceof StorageBackendRefusal) return { outcome: 'refused', detail: error.message };
      throw error;
    }
    return { outcome: 'done', detail: `${account.projects.length} project(s) of ${account.reference} sent` };
  }
}

function snapshot(a: { state: string; sizeTb: number; startsOn: Date | null; expiresOn: Date | null }) {
  return {
    state: a.state,
    sizeTb: a.sizeTb,
    startsOn: a.startsOn === null ? null : calendarDateOf(a.startsOn),
    expiresOn: a.expiresOn === null ? null : calendarDateOf(a.expiresOn),
  };
}
