import { isJobName, JOB_NAME_RULE } from '@app/identifiers';

/** One piece of asynchronous work: `POST /tasks/<job>` of the target app, with a JSON body. */
export interface TaskRequest {
  /** The job the task runs: the path is `/tasks/<job>` (the run-endpoint kit of libs/jobs). */
  job: string;
  /**
   * The task's id, made from the work it stands for (`taskId`): enqueueing the same work twice makes
   * one task. Letters, digits, `-` and `_`, at most 500 characters.
   */
  id: string;
  /** The JSON body the handler receives. */
  body?: unknown;
  /** Not before this time (default: now). */
  scheduleTime?: Date;
}

export interface EnqueueResult {
  /** The task's id. */
  id: string;
  /** False when a task of that id already existed: the work was already queued (that is success). */
  created: boolean;
}

/** Cloud Tasks, or the in-process dispatcher that stands in for it locally and in tests. */
export interface TaskQueue {
  enqueue(task: TaskRequest): Promise<EnqueueResult>;
}

/** Nest injection token for the app's TaskQueue. */
export const TASK_QUEUE = Symbol('TASK_QUEUE');

/**
 * How a queue retries a task whose handler did not answer 2xx: Cloud Tasks' queue `retryConfig`.
 * (`maxRetryDuration` is left to the real queue: locally a task stops at `maxAttempts`.)
 */
export interface TaskRetryConfig {
  /** Attempts in all, the first included (Cloud Tasks' `maxAttempts`). */
  maxAttempts: number;
  minBackoffMs: number;
  maxBackoffMs: number;
  /** Times the interval doubles before it grows linearly (Cloud Tasks' `maxDoublings`). */
  maxDoublings: number;
}

/** The defaults of terraform's tasks-queue module, so the local queue retries as the real one does. */
export const DEFAULT_TASK_RETRY: TaskRetryConfig = {
  maxAttempts: 10,
  minBackoffMs: 10_000,
  maxBackoffMs: 3_600_000,
  maxDoublings: 5,
};

const TASK_ID = /^[A-Za-z0-9_-]{1,500}$/;
export const TASK_ID_RULE = 'letters, digits, - and _, at most 500 characters';

export class InvalidTaskError extends Error {
  constructor(
    readonly field: 'job' | 'id' | 'body' | 'scheduleTime',
    message: string,
  ) {
    super(`task ${field} ${message}`);
    this.name = 'InvalidTaskError';
  }
}

/** Refuses a task a queue would refuse (or that the target app could not route), naming the field. */
export function checkTask(task: TaskRequest): void {
  if (!isJobName(task.job)) throw new InvalidTaskError('job', `must be a job name (${JOB_NAME_RULE})`);
  if (!TASK_ID.test(task.id)) throw new InvalidTaskError('id', `must be ${TASK_ID_RULE}`);
  if (task.scheduleTime !== undefined && Number.isNaN(task.scheduleTime.getTime())) {
    throw new InvalidTaskError('scheduleTime', 'is not a valid date');
  }
}

/** The task's body as sent: JSON (an absent body is `{}`). */
export function taskBody(task: TaskRequest): string {
  const json = JSON.stringify(task.body ?? {}) as string | undefined;
  if (json === undefined) throw new InvalidTaskError('body', 'cannot be written as JSON');
  return json;
}
