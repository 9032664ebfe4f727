import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get, Injectable, type INestApplication, Param, Post } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { z } from 'zod';
import { AuthModule, Roles } from '@app/auth';
import { createTestDatabase, DbModule, type TestDatabase } from '@app/db';
import { AllExceptionsFilter, configureService } from '@app/service';
import {
  Job,
  type JobContext,
  type JobHandler,
  type JobOutcome,
  JobRunner,
  JobsModule,
  RunEndpoint,
  RunOptions,
  type RunResult,
} from './index.js';

const JOB_TOKEN = 'run-endpoint-spec-job-token-0123456789';
const OPERATOR_TOKEN = 'run-endpoint-spec-operator-token-0123456789';
const job = { Authorization: `Bearer ${JOB_TOKEN}` };
const operator = { Authorization: `Bearer ${OPERATOR_TOKEN}` };

/** Remembers every run it was asked for: a real run is what a dry_run spelling must never cause. */
@Injectable()
@Job({ name: 'recorder', description: 'records its runs' })
class RecordingJob implements JobHandler {
  runs: { dryRun: boolean; trigger: string; actor: string }[] = [];
  outcome: JobOutcome = { status: 'succeeded', summary: {} };
  run(ctx: JobContext): Promise<JobOutcome> {
    this.runs.push({ dryRun: ctx.dryRun, trigger: ctx.trigger, actor: ctx.actor });
    return Promise.resolve(this.outcome);
  }
}

/** An approval-like endpoint of an app's own, declared with the kit in `http` trigger mode. */
@Controller('things')
class ThingsController {
  constructor(
    private readonly runner: JobRunner,
    private readonly recorder: RecordingJob,
  ) {}

  @Post(':id/approve')
  @Roles('operator')
  @RunEndpoint({ summary: 'Approve a thing', trigger: 'http', dryRun: 'See what would be approved' })
  approve(@Param('id') id: string, @RunOptions() options: RunOptions): Promise<RunResult> {
    return this.runner.run({ job: 'recorder', scope: id.slice(0, 20), ...options }, (ctx) =>
      this.recorder.run(ctx),
    );
  }
}

/** Jobs that take a body: the OpenAPI document shows them on the job endpoints. */
const orderTask = z.strictObject({ orderId: z.string().min(1) });

@Injectable()
@Job({ name: 'ordered', description: 'works on one order', input: orderTask })
class OrderedJob implements JobHandler {
  run(): Promise<JobOutcome> {
    return Promise.resolve({ status: 'succeeded', summary: {} });
  }
}

@Injectable()
@Job({ name: 'shipped', description: 'ships one order', input: orderTask })
class ShippedJob implements JobHandler {
  run(): Promise<JobOutcome> {
    return Promise.resolve({ status: 'succeeded', summary: {} });
  }
}

@Injectable()
@Job({ name: 'sized', description: 'sizes one thing', input: z.strictObject({ size: z.number().int() }) })
class SizedJob implements JobHandler {
  run(): Promise<JobOutcome> {
    return Promise.resolve({ status: 'succeeded', summary: {} });
  }
}

/** An endpoint that changes something but has no dry run (as approving an order, starting a backup). */
@Controller('orders')
class OrdersController {
  approved: string[] = [];

  @Post(':id/approve')
  @Roles('operator')
  approve(@Param('id') id: string): { approved: string } {
    this.approved.push(id);
    return { approved: id };
  }

  @Get(':id')
  @Roles('operator')
  read(@Param('id') id: string): { id: string } {
    return { id };
  }
}

const REAL = ['', '?dry_run=0', '?dry_run=false', '?DRY_RUN=0', '?other=1'];
const DRY = [
  '?dry_run',
  '?dry_run=',
  '?dry_run=1',
  '?dry_run=true',
  '?DRY_RUN=1',
  '?Dry_Run',
  '?dry%5Frun=1',
  // More parameters than Express's query parser reads (1000): the raw URL still says dry run.
  `?${'a=1&'.repeat(1200)}dry_run=1`,
];
const REFUSED: [string, RegExp][] = [
  ['?dry_run[]=1', /"dry_run\[\]" is not understood/],
  ['?dry_run[]=0', /"dry_run\[\]" is not understood/],
  ['?dry_run[x]=1', /"dry_run\[x\]" is not understood/],
  ['?dryRun=1', /"dryRun" is not understood/],
  ['?dry_run=1&dry_run=0', /dry_run must be given once/],
  ['?dry_run=0&DRY_RUN=0', /dry_run must be given once/],
  ['?dry_run=%00', /dry_run must be 1, true, 0 or false.*\\u0000/],
  ['?dry_run=maybe', /dry_run must be 1, true, 0 or false/],
  ['?dry_run=FALSE', /dry_run must be 1, true, 0 or false/],
];

describe('run endpoints (@RunEndpoint, @RunOptions) through a real app', () => {
  let db: TestDatabase;
  let app: INestApplication;
  let recorder: RecordingJob;
  const server = () => request(app.getHttpServer());
  const runCount = () => db.prisma().jobRun.count();

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
        JobsModule.forRootAsync({ useFactory: () => ({ app: 'run-endpoint-spec', forceDryRun: false }) }),
      ],
      controllers: [ThingsController, OrdersController],
      providers: [
        RecordingJob,
        OrderedJob,
        ShippedJob,
        SizedJob,
        { provide: APP_FILTER, useClass: AllExceptionsFilter },
      ],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    configureService(app, { app: 'run-endpoint-spec', description: 'test' });
    await app.init();
    recorder = app.get(RecordingJob);
  });
  afterAll(async () => {
    await app.close();
    await db.drop();
  });

  describe.each(['/jobs/recorder', '/tasks/recorder', '/things/t1/approve'])('POST %s', (path) => {
    const caller = path.startsWith('/things') ? operator : job;

    it.each(DRY)('%s is a dry run', async (query) => {
      recorder.runs = [];
      const response = await server().post(`${path}${query}`).set(caller).expect(200);
      expect(response.body).toMatchObject({ job: 'recorder', dryRun: true, status: 'succeeded' });
      expect(recorder.runs).toEqual([expect.objectContaining({ dryRun: true })]);
    });

    it.each(REAL)('%s is a real run', async (query) => {
      recorder.runs = [];
      const response = await server().post(`${path}${query}`).set(caller).expect(200);
      expect(response.body).toMatchObject({ dryRun: false, status: 'succeeded' });
      expect(recorder.runs).toEqual([expect.objectContaining({ dryRun: false })]);
    });

    it.each(REFUSED)('%s is a 400 and runs nothing', async (query, message) => {
      recorder.runs = [];
      const before = await runCount();
      const response = await server().post(`${path}${query}`).set(caller).expect(400);
      expect(response.body.message).toMatch(message);
      expect(recorder.runs).toEqual([]);
      expect(await runCount()).toBe(before);
    });

    it('without credentials is a 401 and runs nothing', async () => {
      recorder.runs = [];
      await server().post(`${path}?dry_run=1`).expect(401);
      await server().post(path).set('Authorization', 'Bearer not-the-token-not-the-token').expect(401);
      expect(recorder.runs).toEqual([]);
    });

    it('with the wrong role is a 403 and runs nothing', async () => {
      recorder.runs = [];
      await server()
        .post(path)
        .set(caller === job ? operator : job)
        .expect(403);
      expect(recorder.runs).toEqual([]);
    });
  });

  it.each([...DRY, ...REFUSED.map(([query]) => query), '?dry_run=0', '?dryrun', '?x=1&Dry-Run=yes'])(
    'POST %s on an endpoint without a dry run is a 400, and nothing is done',
    async (query) => {
      const orders = app.get(OrdersController);
      orders.approved = [];
      const response = await server().post(`/orders/o1/approve${query}`).set(operator).expect(400);
      expect(response.body.message).toMatch(/this endpoint has no dry run, and nothing was done/);
      expect(orders.approved).toEqual([]);
    },
  );

  it('an endpoint without a dry run works without one; a GET may mention it; credentials still come first', async () => {
    const orders = app.get(OrdersController);
    orders.approved = [];
    await server().post('/orders/o1/approve?other=1').set(operator).expect(201);
    expect(orders.approved).toEqual(['o1']);
    await server().get('/orders/o1?dry_run=1').set(operator).expect(200);
    await server().post('/orders/o1/approve?dry_run=1').expect(401);
    expect(orders.approved).toEqual(['o1']);
  });

  it.each([
    ['/jobs/recorder', job, {}, 'http'],
    ['/jobs/recorder', job, { 'X-CloudScheduler': 'true' }, 'scheduler'],
    ['/jobs/recorder', job, { 'X-CloudTasks-TaskName': 'forged' }, 'http'],
    ['/tasks/recorder', job, { 'X-CloudTasks-TaskName': 'nightly-import_42' }, 'task:nightly-import_42'],
    ['/tasks/recorder', job, {}, 'http'],
    ['/things/t1/approve', operator, { 'X-CloudTasks-TaskName': 'forged' }, 'http'],
    ['/things/t1/approve', operator, { 'X-CloudScheduler': 'true' }, 'http'],
  ])('POST %s with %j records trigger %s', async (path, caller, headers, trigger) => {
    const response = await server().post(path).set(caller).set(headers).expect(200);
    expect(response.body.trigger).toBe(trigger);
    const stored = await db.prisma().jobRun.findUniqueOrThrow({ where: { id: response.body.id } });
    expect(stored.trigger).toBe(trigger);
  });

  it('a task endpoint refuses a malformed task name and runs nothing', async () => {
    const before = await runCount();
    const response = await server()
      .post('/tasks/recorder')
      .set(job)
      .set('X-CloudTasks-TaskName', 'not a task id')
      .expect(400);
    expect(response.body.message).toMatch(/X-CloudTasks-TaskName must be one Cloud Tasks task id/);
    expect(await runCount()).toBe(before);
  });

  it.each([
    [{ status: 'succeeded', summary: {} }, 200],
    [{ status: 'refused', summary: {} }, 200],
    [{ status: 'failed', summary: {}, error: 'bad sheet', failureKind: 'invalid_input' }, 422],
    [{ status: 'failed', summary: {}, error: 'our fault' }, 500],
  ] as const)('answers %j with its run record and %i', async (outcome, status) => {
    recorder.outcome = outcome;
    try {
      for (const path of ['/jobs/recorder', '/tasks/recorder']) {
        const response = await server().post(path).set(job).expect(status);
        expect(response.body).toMatchObject({ job: 'recorder', status: outcome.status, dryRun: false });
      }
      const approval = await server().post('/things/t2/approve').set(operator).expect(status);
      expect(approval.body).toMatchObject({ status: outcome.status, scope: 't2' });
    } finally {
      recorder.outcome = { status: 'succeeded', summary: {} };
    }
  });

  it('an unknown job is a 404 on both endpoints', async () => {
    for (const path of ['/jobs/nope', '/tasks/nope']) {
      const response = await server().post(path).set(job).expect(404);
      expect(response.body.message).toMatch(/No job named 'nope'; jobs: ordered, recorder, shipped, sized/);
    }
  });

  it("documents the job endpoints with the app's jobs: their names, and the body of those that take one", async () => {
    const document = (await server().get('/api/openapi.json').expect(200)).body;
    for (const path of ['/jobs/{name}', '/tasks/{name}']) {
      const operation = document.paths[path].post;
      const name = (operation.parameters as { name: string; in: string; schema: unknown }[]).find(
        (p) => p.in === 'path' && p.name === 'name',
      );
      expect(name?.schema).toEqual({ type: 'string', enum: ['ordered', 'recorder', 'shipped', 'sized'] });
      expect(operation.description).toMatch(/`ordered`: works on one order \(takes a body\)/);
      expect(operation.description).toMatch(/`recorder`: records its runs$/m);
      // One branch per distinct schema, naming the jobs that share it; a body may fit any (anyOf).
      expect(operation.requestBody).toMatchObject({
        required: false,
        content: {
          'application/json': {
            schema: {
              anyOf: [
                {
                  title: 'ordered, shipped',
                  type: 'object',
                  properties: { orderId: { type: 'string', minLength: 1 } },
                  required: ['orderId'],
                },
                { title: 'sized', type: 'object', required: ['size'] },
              ],
            },
          },
        },
      });
    }
  });

  it('documents dry_run once per run endpoint in the OpenAPI document', async () => {
    const document = (await server().get('/api/openapi.json').expect(200)).body;
    for (const path of ['/jobs/{name}', '/tasks/{name}', '/things/{id}/approve']) {
      const parameters = document.paths[path].post.parameters as { name: string; in: string }[];
      expect(parameters.filter((p) => p.name === 'dry_run')).toEqual([
        expect.objectContaining({
          in: 'query',
          required: false,
          description: expect.stringMatching(/0 or false/),
        }),
      ]);
      expect(Object.keys(document.paths[path].post.responses)).toEqual(
        expect.arrayContaining(['200', '400', '409', '422', '500']),
      );
    }
  });
});
