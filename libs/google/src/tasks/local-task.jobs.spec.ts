import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Injectable, type INestApplication } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import type { AddressInfo } from 'node:net';
import { AuthModule } from '@app/auth';
import { createTestDatabase, DbModule, type TestDatabase } from '@app/db';
import { Job, type JobContext, type JobHandler, type JobOutcome, JobsModule } from '@app/jobs';
import { AllExceptionsFilter } from '@app/service';
import { LocalTaskQueue } from './local-task.queue.js';
import { taskId } from './task-id.util.js';

const JOB_TOKEN = 'google-tasks-spec-job-token-0123';
const OPERATOR_TOKEN = 'google-tasks-spec-operator-token-0123';

/** Fails its first run (a fault: 500), then succeeds: what a passing outage looks like to a task. */
@Injectable()
@Job({ name: 'provision', description: 'fails once, then works' })
class FlakyJob implements JobHandler {
  runs: string[] = [];
  run(ctx: JobContext): Promise<JobOutcome> {
    this.runs.push(ctx.trigger);
    if (this.runs.length === 1) return Promise.reject(new Error('the storage backend is restarting'));
    return Promise.resolve({ status: 'succeeded', summary: { trigger: ctx.trigger } });
  }
}

/**
 * The in-process dispatcher against the real task endpoint of libs/jobs (`POST /tasks/<name>`, the
 * token guard, run records in PostgreSQL): what a local storage-gateway does with its own tasks.
 */
describe('LocalTaskQueue through the job endpoint of a test app', () => {
  let db: TestDatabase;
  let app: INestApplication;
  let url: string;
  let flaky: FlakyJob;
  const queues: LocalTaskQueue[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    const moduleRef = await Test.createTestingModule({
      imports: [
        DbModule.forRootAsync({
          useFactory: () => ({ url: db.url, poolSize: 4, connectTimeoutMs: 5000, embeddedDataDir: '' }),
        }),
        AuthModule.forRoot({
          mode: 'token',
          jobToken: JOB_TOKEN,
          operatorToken: OPERATOR_TOKEN,
          jobEmails: [],
          operatorEmails: [],
        }),
        JobsModule.forRootAsync({ useFactory: () => ({ app: 'google-spec', forceDryRun: false }) }),
      ],
      providers: [FlakyJob, { provide: APP_FILTER, useClass: AllExceptionsFilter }],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    flaky = app.get(FlakyJob);
  });
  afterAll(async () => {
    await Promise.all(queues.map((queue) => queue.close()));
    await app.close();
    await db.drop();
  });

  function queue(token: string): LocalTaskQueue {
    const made = new LocalTaskQueue({
      targetUrl: url,
      queueName: 'projects/local/locations/local/queues/google-spec',
      bearerToken: () => token,
      retry: { maxAttempts: 3, minBackoffMs: 1, maxBackoffMs: 1, maxDoublings: 0 },
      sleep: () => Promise.resolve(),
    });
    queues.push(made);
    return made;
  }

  const runsOf = (trigger: string) =>
    db.prisma().jobRun.findMany({ where: { job: 'provision', trigger }, orderBy: { startedAt: 'asc' } });

  it('runs the job as task:<id>, retries the failed run, and a repeated enqueue runs nothing more', async () => {
    const tasks = queue(JOB_TOKEN);
    const id = taskId('provision', 'order-42');
    await tasks.enqueue({ job: 'provision', id, body: { orderId: 'order-42' } });
    await tasks.enqueue({ job: 'provision', id, body: { orderId: 'order-42' } });
    await tasks.drained();
    expect(tasks.task(id)?.attempts.map((a) => a.status)).toEqual([500, 200]);
    const runs = await runsOf(`task:${id}`);
    expect(runs.map((run) => run.status)).toEqual(['failed', 'succeeded']);
    expect(runs[0].error).toContain('the storage backend is restarting');
  });

  it('a dispatcher without the job token is refused (401) on every attempt and runs nothing', async () => {
    const before = flaky.runs.length;
    const tasks = queue('not-the-job-token-0123456789');
    const id = taskId('provision', 'order-43');
    await tasks.enqueue({ job: 'provision', id });
    await tasks.drained();
    expect(tasks.task(id)).toMatchObject({ state: 'failed' });
    expect(tasks.task(id)?.attempts.map((a) => a.status)).toEqual([401, 401, 401]);
    expect(flaky.runs.length).toBe(before);
    expect(await runsOf(`task:${id}`)).toEqual([]);
  });

  it('a task for a job the app does not have is answered 404 and dropped after its attempts', async () => {
    const tasks = queue(JOB_TOKEN);
    const id = taskId('no-such-job', 'x');
    await tasks.enqueue({ job: 'no-such-job', id });
    await tasks.drained();
    expect(tasks.task(id)?.attempts.map((a) => a.status)).toEqual([404, 404, 404]);
  });
});
