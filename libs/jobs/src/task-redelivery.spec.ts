import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Injectable, type INestApplication } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { AuthModule } from '@app/auth';
import { createTestDatabase, DbModule, type TestDatabase } from '@app/db';
import { AllExceptionsFilter } from '@app/service';
import { Job, type JobContext, type JobHandler, type JobOutcome, JobsModule } from './index.js';

const JOB_TOKEN = 'task-redelivery-spec-job-token-0123';
const OPERATOR_TOKEN = 'task-redelivery-spec-operator-token-0123';
const job = { Authorization: `Bearer ${JOB_TOKEN}` };

/** Counts its runs; answers with the outcome the test sets. */
@Injectable()
@Job({ name: 'provision', description: 'counts its runs' })
class CountingJob implements JobHandler {
  runs: string[] = [];
  outcome: JobOutcome = { status: 'succeeded', summary: {} };
  run(ctx: JobContext): Promise<JobOutcome> {
    this.runs.push(`${ctx.trigger}${ctx.dryRun ? ' (dry)' : ''}`);
    return Promise.resolve(this.outcome);
  }
}

/** Cloud Tasks delivers at least once: `POST /tasks/<name>` runs a task that already succeeded once. */
describe('POST /tasks/<name> delivered again', () => {
  let db: TestDatabase;
  let app: INestApplication;
  let counting: CountingJob;
  const deliver = (task: string | undefined, query = '') => {
    const pending = request(app.getHttpServer()).post(`/tasks/provision${query}`).set(job);
    return task === undefined ? pending : pending.set('X-CloudTasks-TaskName', task);
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    const moduleRef = await Test.createTestingModule({
      imports: [
        DbModule.forRootAsync({
          useFactory: () => ({ url: db.url, poolSize: 2, connectTimeoutMs: 5000, embeddedDataDir: '' }),
        }),
        AuthModule.forRoot({
          mode: 'token',
          jobToken: JOB_TOKEN,
          operatorToken: OPERATOR_TOKEN,
          jobEmails: [],
          operatorEmails: [],
        }),
        JobsModule.forRootAsync({ useFactory: () => ({ app: 'task-redelivery-spec', forceDryRun: false }) }),
      ],
      providers: [CountingJob, { provide: APP_FILTER, useClass: AllExceptionsFilter }],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    counting = app.get(CountingJob);
  });
  afterAll(async () => {
    await app.close();
    await db.drop();
  });

  it('after a real run of the task succeeded, answers that run and runs nothing', async () => {
    const first = await deliver('order-1-provision').expect(200);
    const again = await deliver('order-1-provision').expect(200);
    expect(again.body).toEqual(first.body);
    expect(counting.runs).toEqual(['task:order-1-provision']);
    expect(await db.prisma().jobRun.count({ where: { trigger: 'task:order-1-provision' } })).toBe(1);
  });

  it('after a failed run, runs again (that is what the retry is for)', async () => {
    counting.runs = [];
    counting.outcome = { status: 'failed', summary: {}, error: 'backend down' };
    await deliver('order-2-provision').expect(500);
    counting.outcome = { status: 'succeeded', summary: {} };
    await deliver('order-2-provision').expect(200);
    await deliver('order-2-provision').expect(200);
    expect(counting.runs).toEqual(['task:order-2-provision', 'task:order-2-provision']);
  });

  it('a dry run neither counts as done nor is skipped; other tasks and untagged calls run', async () => {
    counting.runs = [];
    await deliver('order-3-provision', '?dry_run=1').expect(200);
    await deliver('order-3-provision', '?dry_run=1').expect(200);
    await deliver('order-3-provision').expect(200);
    await deliver('order-4-provision').expect(200);
    await deliver(undefined).expect(200);
    await deliver(undefined).expect(200);
    expect(counting.runs).toEqual([
      'task:order-3-provision (dry)',
      'task:order-3-provision (dry)',
      'task:order-3-provision',
      'task:order-4-provision',
      'http',
      'http',
    ]);
  });

  it('is still refused without credentials, and with a malformed task name, before anything', async () => {
    counting.runs = [];
    await request(app.getHttpServer())
      .post('/tasks/provision')
      .set('X-CloudTasks-TaskName', 'order-1-provision')
      .expect(401);
    await deliver('not a task id').expect(400);
    expect(counting.runs).toEqual([]);
  });
});
