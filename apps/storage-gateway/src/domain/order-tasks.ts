/**
 * The asynchronous work an order starts (Cloud Tasks in the cloud, the in-process dispatcher
 * locally). Each task is named after what it does and to which order, so enqueueing the same work
 * twice makes one task.
 */
export type OrderTaskName = 'check-payment' | 'provision' | 'apply-access' | 'sync-members' | 'send-email';

export abstract class OrderTasks {
  abstract enqueue(name: OrderTaskName, body: Record<string, string>, taskId: string): Promise<void>;
}
