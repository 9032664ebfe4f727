import { Inject, Injectable } from '@nestjs/common';
import { TASK_QUEUE, type TaskQueue } from '@app/google';
import { OrderTasks, type OrderTaskName } from '../domain/order-tasks.js';

/** Order tasks through the app's task queue (Cloud Tasks, or the in-process dispatcher locally): `POST /tasks/<name>`. */
@Injectable()
export class QueuedOrderTasks extends OrderTasks {
  constructor(@Inject(TASK_QUEUE) private readonly queue: TaskQueue) {
    super();
  }

  async enqueue(name: OrderTaskName, body: Record<string, string>, taskId: string): Promise<void> {
    await this.queue.enqueue({ job: name, id: taskId, body });
  }
}
