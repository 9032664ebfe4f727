import { createLimiter, type Limiter } from '@app/http';
import { taskRetryDelayMs } from './task-backoff.util.js';
import {
  checkTask,
  DEFAULT_TASK_RETRY,
  type EnqueueResult,
  taskBody,
  type TaskQueue,
  type TaskRequest,
  type TaskRetryConfig,
} from './task-queue.js';

export interface LocalTaskQueueOptions {
  /** The app the tasks go to (`http://127.0.0.1:3002`); each task is `POST <targetUrl>/tasks/<job>`. */
  targetUrl: string;
  /** The queue's name, sent as `X-CloudTasks-QueueName`. */
  queueName: string;
  /** Sent as `Authorization: Bearer <token>`: locally the app's job token (Cloud Tasks sends an ID token). */
  bearerToken: () => string | Promise<string>;
  retry?: Partial<TaskRetryConfig>;
  /** Tasks dispatched at once (Cloud Tasks' `maxConcurrentDispatches`). Default 10. */
  maxConcurrentDispatches?: number;
  /** How long one delivery may take before it counts as failed (Cloud Tasks' dispatch deadline). Default 10 min. */
  dispatchDeadlineMs?: number;
  /** How to wait between attempts and until a task's schedule time (tests record the waits). */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  now?: () => number;
  /** Called after each attempt (for logging: the task id, the status, never the body). */
  onAttempt?: (attempt: TaskAttempt) => void;
}

export interface TaskAttempt {
  id: string;
  job: string;
  /** 0 for the first delivery. */
  retryCount: number;
  /** The handler's HTTP status; undefined when it did not answer (network error, deadline). */
  status?: number;
  error?: string;
}

export type LocalTaskState = 'queued' | 'dispatching' | 'succeeded' | 'failed' | 'cancelled';

/** What the dispatcher knows of a task (tests read it). */
export interface LocalTask {
  id: string;
  job: string;
  state: LocalTaskState;
  attempts: TaskAttempt[];
  /** The wait before each retry, in order (ms). */
  waits: number[];
}

const abortableSleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason as Error);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason as Error);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });

/**
 * Cloud Tasks on one machine: `enqueue` keeps one task per id (a repeated id is `created: false`,
 * as Cloud Tasks answers ALREADY_EXISTS) and delivers it in the background to the same endpoint Cloud
 * Tasks would call, `POST <targetUrl>/tasks/<job>`, with the headers Cloud Tasks sends
 * (`X-CloudTasks-QueueName`, `-TaskName`, `-TaskRetryCount`, `-TaskExecutionCount`, `-TaskETA`,
 * `-TaskPreviousResponse`, `-TaskRetryReason`). A delivery that is not answered 2xx is retried as the
 * queue's retry config says (backoff doubling then linear, capped; a 503's `Retry-After` honoured)
 * until `maxAttempts`, then the task is dropped as failed, as Cloud Tasks does. Ids are remembered for
 * the dispatcher's life. `drained()` resolves when nothing is queued or in flight; `close()` stops it.
 */
export class LocalTaskQueue implements TaskQueue {
  private readonly retry: TaskRetryConfig;
  private readonly limiter: Limiter;
  private readonly known = new Map<string, LocalTask>();
  private readonly running = new Set<Promise<void>>();
  private readonly stopping = new AbortController();
  private readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  private readonly now: () => number;

  constructor(private readonly options: LocalTaskQueueOptions) {
    this.retry = { ...DEFAULT_TASK_RETRY, ...options.retry };
    if (!Number.isInteger(this.retry.maxAttempts) || this.retry.maxAttempts < 1) {
      throw new RangeError('LocalTaskQueue: retry.maxAttempts must be a whole number of at least 1');
    }
    this.limiter = createLimiter(options.maxConcurrentDispatches ?? 10);
    this.sleep = options.sleep ?? abortableSleep;
    this.now = options.now ?? Date.now;
  }

  // eslint-disable-next-line @typescript-eslint/require-await -- async so that a refused task is a rejection
  async enqueue(task: TaskRequest): Promise<EnqueueResult> {
    checkTask(task);
    const body = taskBody(task);
    if (this.stopping.signal.aborted) throw new Error('the local task queue is closed');
    if (this.known.has(task.id)) return { id: task.id, created: false };
    const record: LocalTask = { id: task.id, job: task.job, state: 'queued', attempts: [], waits: [] };
    this.known.set(task.id, record);
    const eta = task.scheduleTime?.getTime() ?? this.now();
    const delivery = this.deliver(record, body, eta)
      .catch(() => {
        record.state = record.state === 'succeeded' ? 'succeeded' : 'cancelled';
      })
      .finally(() => this.running.delete(delivery));
    this.running.add(delivery);
    return { id: task.id, created: true };
  }

  /** The tasks this dispatcher has seen, by id. */
  task(id: string): LocalTask | undefined {
    return this.known.get(id);
  }

  tasks(): LocalTask[] {
    return [...this.known.values()];
  }

  /** Resolves when no task is queued, waiting or in flight (tasks enqueued meanwhile included). */
  async drained(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }

  /** Stops waiting tasks (they end `cancelled`) and waits for deliveries in flight. */
  async close(): Promise<void> {
    this.stopping.abort(new Error('the local task queue is closed'));
    await this.drained();
  }

  private async deliver(record: LocalTask, body: string, eta: number): Promise<void> {
    const signal = this.stopping.signal;
    const untilEta = eta - this.now();
    if (untilEta > 0) await this.sleep(untilEta, signal);
    let executions = 0;
    let previous: TaskAttempt | undefined;
    for (let retryCount = 0; ; retryCount++) {
      if (signal.aborted) throw signal.reason as Error;
      record.state = 'dispatching';
      const { attempt, retryAfter } = await this.limiter.run(() =>
        this.attempt(record, body, { retryCount, executions, eta, previous }),
      );
      record.attempts.push(attempt);
      this.options.onAttempt?.(attempt);
      if (attempt.status !== undefined) executions += 1;
      if (attempt.status !== undefined && attempt.status >= 200 && attempt.status < 300) {
        record.state = 'succeeded';
        return;
      }
      if (retryCount + 1 >= this.retry.maxAttempts) {
        record.state = 'failed';
        return;
      }
      record.state = 'queued';
      const wait = taskRetryDelayMs(retryCount + 1, this.retry, retryAfter);
      record.waits.push(wait);
      previous = attempt;
      await this.sleep(wait, signal);
    }
  }

  private async attempt(
    record: LocalTask,
    body: string,
    state: { retryCount: number; executions: number; eta: number; previous?: TaskAttempt },
  ): Promise<{ attempt: TaskAttempt; retryAfter?: { status: number; header: string | null; now: number } }> {
    const base = { id: record.id, job: record.job, retryCount: state.retryCount };
    const headers: Record<string, string> = {
      'Content-Type': 'application/json',
      'User-Agent': 'Google-Cloud-Tasks',
      Authorization: `Bearer ${await this.options.bearerToken()}`,
      'X-CloudTasks-QueueName': this.options.queueName,
      'X-CloudTasks-TaskName': record.id,
      'X-CloudTasks-TaskRetryCount': String(state.retryCount),
      'X-CloudTasks-TaskExecutionCount': String(state.executions),
      'X-CloudTasks-TaskETA': (state.eta / 1000).toFixed(6),
    };
    if (state.previous !== undefined) {
      headers['X-CloudTasks-TaskPreviousResponse'] = String(state.previous.status ?? 0);
      headers['X-CloudTasks-TaskRetryReason'] =
        state.previous.status === undefined ? 'UNAVAILABLE' : `HTTP ${state.previous.status}`;
    }
    const url = `${this.options.targetUrl.replace(/\/+$/, '')}/tasks/${record.job}`;
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers,
        body,
        // Cloud Tasks does not follow redirects: a 3xx is a failed attempt, retried like any non-2xx.
        redirect: 'manual',
        signal: AbortSignal.any([
          this.stopping.signal,
          AbortSignal.timeout(this.options.dispatchDeadlineMs ?? 600_000),
        ]),
      });
      // The body is read and dropped: the queue only looks at the status, as Cloud Tasks does.
      await response.arrayBuffer();
      return {
        attempt: { ...base, status: response.status },
        retryAfter: { status: response.status, header: response.headers.get('retry-after'), now: this.now() },
      };
    } catch (error) {
      return { attempt: { ...base, error: error instanceof Error ? error.message : String(error) } };
    }
  }
}
