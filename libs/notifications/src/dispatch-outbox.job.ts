import { Injectable } from '@nestjs/common';
import { Job, type JobContext, type JobHandler, type JobOutcome } from '@app/jobs';
import { OutboxDispatcher } from './outbox-dispatcher.service.js';
import { describeOutboxResult } from './outbox.util.js';

/** `POST /jobs/dispatch-outbox`: delivers the emails that are due; Cloud Scheduler calls it every few minutes. */
@Injectable()
@Job({
  name: 'dispatch-outbox',
  description: 'Deliver the emails waiting in the outbox, retrying failed ones',
})
export class DispatchOutboxJob implements JobHandler {
  constructor(private readonly dispatcher: OutboxDispatcher) {}

  async run(ctx: JobContext): Promise<JobOutcome> {
    if (ctx.dryRun) {
      const preview = await this.dispatcher.countDue();
      return {
        status: 'succeeded',
        summary: { due: preview, message: `Dry run: ${preview} email(s) are due; none sent` },
      };
    }
    const result = await this.dispatcher.dispatchDue();
    return { status: 'succeeded', summary: { ...result, message: describeOutboxResult(result) } };
  }
}
