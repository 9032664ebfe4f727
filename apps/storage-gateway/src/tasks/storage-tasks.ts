import { Injectable } from '@nestjs/common';
import { Job, type JobContext, type JobHandler, type JobOutcome } from '@app/jobs';
import { z } from 'zod';
import { FinanceCheckUnavailableError } from '../payments/cufs-api.client.js';
import { PaymentCheckService } from '../payments/payment-check.service.js';
import { ProvisioningService, type TaskOutcome } from '../provisioning/provisioning.service.js';
import { UpstreamError } from '@app/http';

/**
 * The app's Cloud Tasks (`POST /tasks/<name>` with a JSON body). Each acts only on the state it
 * expects, so a repeated or late delivery answers 200 and changes nothing; a system that cannot
 * answer (cufs-api, the storage backend) makes it 503 with Retry-After, and Cloud Tasks tries again.
 */
const orderTask = z.strictObject({ orderId: z.uuid({ message: 'must be an order id' }) });
const accountTask = z.strictObject({ accountId: z.uuid({ message: 'must be an account id' }) });

async function outcome(work: () => Promise<TaskOutcome>): Promise<JobOutcome<TaskOutcome>> {
  try {
    const done = await work();
    return { status: done.outcome === 'refused' ? 'refused' : 'succeeded', summary: done };
  } catch (error) {
    if (error instanceof FinanceCheckUnavailableError) {
      return unavailable(error.message, error.retryAfterSeconds);
    }
    if (error instanceof UpstreamError) return unavailable(error.message, 60);
    throw error;
  }
}

function unavailable(message: string, retryAfterSeconds: number): JobOutcome<TaskOutcome> {
  return {
    status: 'failed',
    failureKind: 'unavailable',
    retryAfterSeconds,
    error: message,
    summary: { outcome: 'skipped', detail: `not done yet: ${message}` },
  };
}

function dryRun(what: string): JobOutcome<TaskOutcome> {
  return { status: 'succeeded', summary: { outcome: 'skipped', detail: `dry run: would ${what}` } };
}

@Injectable()
@Job({
  name: 'check-payment',
  description: "Ask cufs-api whether an order's payment is good",
  input: orderTask,
  scopeOf: (t) => `order:${t.orderId}`,
})
export class CheckPaymentTask implements JobHandler<TaskOutcome> {
  constructor(private readonly payments: PaymentCheckService) {}

  run(ctx: JobContext): Promise<JobOutcome<TaskOutcome>> {
    const { orderId } = orderTask.parse(ctx.input);
    if (ctx.dryRun) return Promise.resolve(dryRun(`check the payment of order ${orderId}`));
    return outcome(() => this.payments.check(orderId));
  }
}

@Injectable()
@Job({
  name: 'provision',
  description: 'Set up an approved order in the storage backend',
  input: orderTask,
  scopeOf: (t) => `order:${t.orderId}`,
})
export class ProvisionTask implements JobHandler<TaskOutcome> {
  constructor(private readonly provisioning: ProvisioningService) {}

  run(ctx: JobContext): Promise<JobOutcome<TaskOutcome>> {
    const { orderId } = orderTask.parse(ctx.input);
    if (ctx.dryRun) return Promise.resolve(dryRun(`provision order ${orderId}`));
    return outcome(() => this.provisioning.provision(orderId));
  }
}

@Injectable()
@Job({
  name: 'apply-access',
  description: "Set the backend's access to what the account's state allows",
  input: accountTask,
  scopeOf: (t) => `account:${t.accountId}`,
})
export class ApplyAccessTask implements JobHandler<TaskOutcome> {
  constructor(private readonly provisioning: ProvisioningService) {}

  run(ctx: JobContext): Promise<JobOutcome<TaskOutcome>> {
    const { accountId } = accountTask.parse(ctx.input);
    if (ctx.dryRun) return Promise.resolve(dryRun(`apply the access of account ${accountId}`));
    return outcome(() => this.provisioning.applyAccess(accountId));
  }
}

@Injectable()
@Job({
  name: 'sync-members',
  description: "Send an account's project groups to the backend",
  input: accountTask,
  scopeOf: (t) => `account:${t.accountId}`,
})
export class SyncMembersTask implements JobHandler<TaskOutcome> {
  constructor(private readonly provisioning: ProvisioningService) {}

  run(ctx: JobContext): Promise<JobOutcome<TaskOutcome>> {
    const { accountId } = accountTask.parse(ctx.input);
    if (ctx.dryRun) return Promise.resolve(dryRun(`send the project groups of account ${accountId}`));
    return outcome(() => this.provisioning.syncMembers(accountId));
  }
}
