import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import express from 'express';
import type { IncomingHttpHeaders } from 'node:http';
import { listen, type RunningSimulator } from '../../../../simulators/common/simulator.js';
import { LocalTaskQueue, type LocalTaskQueueOptions } from './local-task.queue.js';
import { InvalidTaskError } from './task-queue.js';
import { taskId } from './task-id.util.js';

interface Delivery {
  job: string;
  headers: IncomingHttpHeaders;
  body: unknown;
}

/** What the handler answers to each delivery of a task id, in order; then 200. */
type Script = { status: number; retryAfter?: string; location?: string }[];

/**
 * A target app: `POST /tasks/:job` records each delivery and answers as the test scripted it for
 * that task id. The dispatcher's waits are recorded and skipped (no sleeping, no timing).
 */
describe('LocalTaskQueue delivering to an HTTP endpoint', () => {
  let target: RunningSimulator;
  const deliveries: Delivery[] = [];
  const scripts = new Map<string, Script>();
  const queues: LocalTaskQueue[] = [];
  let waits: number[] = [];

  beforeAll(async () => {
    const app = express();
    app.use(express.json());
    app.post('/tasks/:job', (req, res) => {
      deliveries.push({ job: req.params.job, headers: req.headers, body: req.body });
      const id = String(req.headers['x-cloudtasks-taskname']);
      const next = scripts.get(id)?.shift();
      if (next === undefined) return void res.json({ ok: true });
      if (next.retryAfter !== undefined) res.set('Retry-After', next.retryAfter);
      if (next.location !== undefined) res.set('Location', next.location);
      res.status(next.status).json({ ok: false });
    });
    // Where a redirect points: answers 200 to anything, so following it would look like success.
    app.all('/elsewhere', (_req, res) => void res.json({ ok: true }));
    target = await listen(app);
  });
  afterEach(async () => {
    await Promise.all(queues.splice(0).map((queue) => queue.close()));
    deliveries.length = 0;
    scripts.clear();
    waits = [];
  });
  afterAll(() => target.close());

  function queue(options: Partial<LocalTaskQueueOptions> = {}): LocalTaskQueue {
    const made = new LocalTaskQueue({
      targetUrl: target.url,
      queueName: 'projects/local/locations/local/queues/storage-gateway',
      bearerToken: () => 'local-job-token-0123456789',
      retry: { maxAttempts: 5, minBackoffMs: 100, maxBackoffMs: 1_000, maxDoublings: 16 },
      sleep: (ms) => {
        waits.push(ms);
        return Promise.resolve();
      },
      ...options,
    });
    queues.push(made);
    return made;
  }

  const deliveriesOf = (id: string) => deliveries.filter((d) => d.headers['x-cloudtasks-taskname'] === id);

  it('posts the JSON body to /tasks/<job> with the headers Cloud Tasks sends', async () => {
    const tasks = queue();
    const id = taskId('provision', 'order-1');
    const eta = new Date('2026-01-01T00:00:00.250Z');
    expect(
      await tasks.enqueue({ job: 'provision', id, body: { orderId: 'order-1' }, scheduleTime: eta }),
    ).toEqual({
      id,
      created: true,
    });
    await tasks.drained();
    expect(deliveries).toHaveLength(1);
    const [delivery] = deliveries;
    expect(delivery.job).toBe('provision');
    expect(delivery.body).toEqual({ orderId: 'order-1' });
    expect(delivery.headers).toMatchObject({
      authorization: 'Bearer local-job-token-0123456789',
      'content-type': 'application/json',
      'user-agent': 'Google-Cloud-Tasks',
      'x-cloudtasks-queuename': 'projects/local/locations/local/queues/storage-gateway',
      'x-cloudtasks-taskname': id,
      'x-cloudtasks-taskretrycount': '0',
      'x-cloudtasks-taskexecutioncount': '0',
      'x-cloudtasks-tasketa': '1767225600.250000',
    });
    expect(delivery.headers['x-cloudtasks-taskpreviousresponse']).toBeUndefined();
    expect(tasks.task(id)?.state).toBe('succeeded');
  });

  it('keeps one task per id: a repeated enqueue is created: false and delivers nothing more', async () => {
    const tasks = queue();
    const id = taskId('send-email', 'order-2', 'approved');
    const first = await tasks.enqueue({ job: 'send-email', id, body: { n: 1 } });
    const again = await tasks.enqueue({ job: 'send-email', id, body: { n: 2 } });
    await tasks.drained();
    const later = await tasks.enqueue({ job: 'send-email', id, body: { n: 3 } });
    await tasks.drained();
    expect([first.created, again.created, later.created]).toEqual([true, false, false]);
    expect(deliveriesOf(id).map((d) => d.body)).toEqual([{ n: 1 }]);
  });

  it('retries what is not 2xx with the queue backoff, counting retries and executions in the headers', async () => {
    const tasks = queue();
    const id = taskId('check-payment', 'order-3');
    scripts.set(id, [{ status: 500 }, { status: 404 }, { status: 500 }]);
    await tasks.enqueue({ job: 'check-payment', id });
    await tasks.drained();
    const seen = deliveriesOf(id).map((d) => [
      d.headers['x-cloudtasks-taskretrycount'],
      d.headers['x-cloudtasks-taskexecutioncount'],
      d.headers['x-cloudtasks-taskpreviousresponse'],
    ]);
    expect(seen).toEqual([
      ['0', '0', undefined],
      ['1', '1', '500'],
      ['2', '2', '404'],
      ['3', '3', '500'],
    ]);
    expect(waits).toEqual([100, 200, 400]);
    expect(tasks.task(id)).toMatchObject({ state: 'succeeded', waits: [100, 200, 400] });
  });

  it('honours a 503 Retry-After longer than its backoff', async () => {
    const tasks = queue();
    const id = taskId('check-payment', 'order-4');
    scripts.set(id, [
      { status: 503, retryAfter: '7' },
      { status: 503, retryAfter: '0' },
    ]);
    await tasks.enqueue({ job: 'check-payment', id });
    await tasks.drained();
    expect(deliveriesOf(id)).toHaveLength(3);
    // 7 s asked (more than the 100 ms backoff); then 0 s asked, so the 200 ms backoff stands.
    expect(waits).toEqual([7_000, 200]);
  });

  it('treats a 303 as a failure to retry, as Cloud Tasks does, never following it', async () => {
    const tasks = queue();
    const id = taskId('provision', 'order-303');
    scripts.set(id, [{ status: 303, location: '/elsewhere' }]);
    await tasks.enqueue({ job: 'provision', id });
    await tasks.drained();
    expect(deliveriesOf(id)).toHaveLength(2);
    expect(deliveriesOf(id)[1]?.headers['x-cloudtasks-taskpreviousresponse']).toBe('303');
    expect(tasks.task(id)?.attempts.map((a) => a.status)).toEqual([303, 200]);
    expect(waits).toEqual([100]);
  });

  it('gives up after maxAttempts, as Cloud Tasks drops the task', async () => {
    const tasks = queue({
      retry: { maxAttempts: 3, minBackoffMs: 100, maxBackoffMs: 150, maxDoublings: 16 },
    });
    const id = taskId('provision', 'order-5');
    scripts.set(id, [{ status: 500 }, { status: 500 }, { status: 500 }, { status: 500 }]);
    await tasks.enqueue({ job: 'provision', id });
    await tasks.drained();
    expect(deliveriesOf(id)).toHaveLength(3);
    expect(waits).toEqual([100, 150]);
    expect(tasks.task(id)?.state).toBe('failed');
    expect(tasks.task(id)?.attempts.map((a) => a.status)).toEqual([500, 500, 500]);
  });

  it('retries a delivery nobody answered, without counting it as an execution', async () => {
    const closed = await listen(express());
    const deadUrl = closed.url;
    await closed.close();
    const tasks = queue({
      targetUrl: deadUrl,
      retry: { maxAttempts: 2, minBackoffMs: 100, maxBackoffMs: 100, maxDoublings: 1 },
    });
    const id = taskId('provision', 'order-6');
    await tasks.enqueue({ job: 'provision', id });
    await tasks.drained();
    const attempts = tasks.task(id)?.attempts ?? [];
    expect(attempts.map((a) => [a.retryCount, a.status])).toEqual([
      [0, undefined],
      [1, undefined],
    ]);
    expect(attempts.every((a) => typeof a.error === 'string')).toBe(true);
    expect(tasks.task(id)?.state).toBe('failed');
  });

  it('waits until the schedule time before the first delivery', async () => {
    const now = Date.parse('2026-03-01T10:00:00Z');
    const tasks = queue({ now: () => now });
    const id = taskId('renewal-reminder', 'account-7', '2026-03-01');
    await tasks.enqueue({ job: 'renewal-reminder', id, scheduleTime: new Date(now + 90_000) });
    await tasks.drained();
    expect(waits).toEqual([90_000]);
    expect(deliveriesOf(id)).toHaveLength(1);
  });

  it('drained() waits for tasks enqueued while others were being delivered', async () => {
    const tasks = queue();
    const first = taskId('provision', 'order-8');
    const second = taskId('send-email', 'order-8');
    scripts.set(first, [{ status: 500 }]);
    await tasks.enqueue({ job: 'provision', id: first });
    const drained = tasks.drained();
    await tasks.enqueue({ job: 'send-email', id: second });
    await drained;
    expect(tasks.tasks().map((t) => t.state)).toEqual(['succeeded', 'succeeded']);
  });

  it('refuses a task with a bad job or id, naming the field, and queues nothing', async () => {
    const tasks = queue();
    await expect(tasks.enqueue({ job: 'Provision!', id: 'x' })).rejects.toThrow(
      new InvalidTaskError(
        'job',
        'must be a job name (kebab-case: lower-case letters and digits in words joined by "-", such as import-all)',
      ),
    );
    await expect(tasks.enqueue({ job: 'provision', id: 'a/b' })).rejects.toThrow(
      /^task id must be letters, digits/,
    );
    await expect(tasks.enqueue({ job: 'provision', id: 'x'.repeat(501) })).rejects.toThrow(/^task id/);
    await tasks.drained();
    expect(tasks.tasks()).toEqual([]);
    expect(deliveries).toEqual([]);
  });

  it('close() cancels a task waiting to be retried', async () => {
    const tasks = new LocalTaskQueue({
      targetUrl: target.url,
      queueName: 'q',
      bearerToken: () => 'local-job-token-0123456789',
      retry: { maxAttempts: 5, minBackoffMs: 60_000, maxBackoffMs: 60_000, maxDoublings: 1 },
    });
    const id = taskId('provision', 'order-9');
    scripts.set(id, [{ status: 500 }]);
    await tasks.enqueue({ job: 'provision', id });
    // Wait for the first delivery through the queue's own record, not a timer.
    while (tasks.task(id)?.attempts.length === 0) await new Promise((resolve) => setImmediate(resolve));
    await tasks.close();
    expect(tasks.task(id)?.state).toBe('cancelled');
    expect(deliveriesOf(id)).toHaveLength(1);
    await expect(tasks.enqueue({ job: 'provision', id: 'another' })).rejects.toThrow(/closed/);
  });
});
