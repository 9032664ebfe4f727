import { Injectable } from '@nestjs/common';
import { Job, type JobContext, type JobHandler, type JobOutcome } from '@app/jobs';
import { Clock } from '../domain/clock.js';
import { OrdersService } from '../orders/orders.service.js';

/** An order untouched this long in a waiting state has lost its task. */
const STALLED_AFTER_MS = 60 * 60 * 1000;

export interface ResumeOrdersSummary {
  stalled: number;
  queued: { reference: string; task: string }[];
  message: string;
}

/**
 * `POST /jobs/resume-orders`, hourly: orders that have waited over an hour in `submitted`,
 * `checking_payment`, `approved` or `provisioning` (a task lost, its retries used up while cufs-api
 * or the backend was down) get their task queued again, one per order and hour. A dry run lists them.
 */
@Injectable()
@Job({ name: 'resume-orders', description: 'Queue again the work of orders whose task was lost' })
export class ResumeOrdersJob implements JobHandler<ResumeOrdersSummary> {
  constructor(
    private readonly orders: OrdersService,
    private readonly clock: Clock,
  ) {}

  async run(ctx: JobContext): Promise<JobOutcome<ResumeOrdersSummary>> {
    const before = new Date(this.clock.now().getTime() - STALLED_AFTER_MS);
    const hour = this.clock
      .now()
      .toISOString()
      .slice(0, 13)
      .replace(/[^0-9]/g, '');
    // A dry run finds the same orders and queues nothing.
    const queued = await this.orders.resumeStalled(before, ctx.dryRun ? null : `resume-${hour}`);
    if (ctx.dryRun) {
      return {
        status: 'succeeded',
        summary: {
          stalled: queued.length,
          queued,
          message: `Dry run: ${queued.length} order(s) would be queued again`,
        },
      };
    }
    return {
      status: 'succeeded',
      summary: { stalled: queued.length, queued, message: `${queued.length} order(s) queued again` },
    };
  }
}
