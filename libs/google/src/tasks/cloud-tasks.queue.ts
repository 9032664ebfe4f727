import { HttpPolicy } from '@app/http';
import type { CloudTasksClient } from '@google-cloud/tasks';
import { lazy } from '../lazy.util.js';
import { grpcFailure, isGrpcCode, GRPC_ALREADY_EXISTS } from '../grpc-errors.util.js';
import { checkTask, type EnqueueResult, taskBody, type TaskQueue, type TaskRequest } from './task-queue.js';

/** What `new CloudTasksClient(options)` accepts (endpoint, transport, credentials). */
export type CloudTasksClientOptions = NonNullable<ConstructorParameters<typeof CloudTasksClient>[0]>;

export interface CloudTasksQueueOptions {
  project: string;
  location: string;
  queue: string;
  /** The service the tasks go to (its Cloud Run URL); each task is `POST <targetUrl>/tasks/<job>`. */
  targetUrl: string;
  /** The service account whose Google-signed ID token Cloud Tasks sends with each task. */
  serviceAccountEmail: string;
  /** The ID token's audience; default `targetUrl` without a trailing `/` (the target's OIDC_AUDIENCE). */
  audience?: string;
  /** Longest one delivery may take (Cloud Tasks' dispatchDeadline: 15 s to 30 min). Default 10 min. */
  dispatchDeadlineSeconds?: number;
  /** Passed to `CloudTasksClient` (tests point it at a local HTTP server with `fallback: true`). */
  clientOptions?: CloudTasksClientOptions;
  /** Timeouts and retries of the create call; by default 4 attempts of 10 s within 30 s. */
  policy?: HttpPolicy;
}

/** The create call of the Cloud Tasks API that this queue uses. */
type CreateTask = Pick<CloudTasksClient, 'createTask'>;

/**
 * Enqueues tasks on a Cloud Tasks queue through `@google-cloud/tasks` (loaded on the first enqueue):
 * an HTTP task `POST <targetUrl>/tasks/<job>` with a JSON body and an OIDC token (the service account
 * and audience), named `<queue>/tasks/<id>`, so Cloud Tasks keeps one task per id: ALREADY_EXISTS
 * answers `created: false`, a success. As the name makes the create call idempotent, it is retried
 * (UNAVAILABLE, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED) under the HTTP policy, the client's own
 * retry off.
 */
export class CloudTasksQueue implements TaskQueue {
  readonly policy: HttpPolicy;
  private readonly client: () => Promise<CreateTask>;

  constructor(private readonly options: CloudTasksQueueOptions) {
    this.policy =
      options.policy ??
      new HttpPolicy({ system: 'Cloud Tasks', timeoutMs: 10_000, deadlineMs: 30_000, maxAttempts: 4 });
    this.client = lazy(async () => {
      const { CloudTasksClient } = await import('@google-cloud/tasks');
      return new CloudTasksClient(options.clientOptions);
    });
  }

  /** `projects/<project>/locations/<location>/queues/<queue>`. */
  get queuePath(): string {
    const { project, location, queue } = this.options;
    return `projects/${project}/locations/${location}/queues/${queue}`;
  }

  async enqueue(task: TaskRequest): Promise<EnqueueResult> {
    checkTask(task);
    const client = await this.client();
    const request = this.createRequest(task);
    try {
      await this.policy.run(
        ({ timeoutMs }) => client.createTask(request, { timeout: timeoutMs, retry: null }),
        { repeatable: true, describe: grpcFailure },
      );
      return { id: task.id, created: true };
    } catch (error) {
      if (isGrpcCode(error, GRPC_ALREADY_EXISTS)) return { id: task.id, created: false };
      throw new Error(
        `Cloud Tasks: could not enqueue task ${task.id} of job ${task.job} on ${this.queuePath}`,
        {
          cause: error,
        },
      );
    }
  }

  /** The CreateTask request: the named HTTP task with its OIDC token. */
  private createRequest(task: TaskRequest) {
    const parent = this.queuePath;
    const url = `${this.options.targetUrl.replace(/\/+$/, '')}/tasks/${task.job}`;
    const deadline = this.options.dispatchDeadlineSeconds ?? 600;
    return {
      parent,
      task: {
        name: `${parent}/tasks/${task.id}`,
        httpRequest: {
          httpMethod: 'POST' as const,
          url,
          headers: { 'Content-Type': 'application/json' },
          body: Buffer.from(taskBody(task)),
          oidcToken: {
            serviceAccountEmail: this.options.serviceAccountEmail,
            audience: this.options.audience ?? this.options.targetUrl.replace(/\/+$/, ''),
          },
        },
        dispatchDeadline: { seconds: deadline },
        ...(task.scheduleTime === undefined
          ? {}
          : {
              scheduleTime: {
                seconds: Math.floor(task.scheduleTime.getTime() / 1000),
                nanos: (task.scheduleTime.getTime() % 1000) * 1_000_000,
              },
            }),
      },
    };
  }
}
