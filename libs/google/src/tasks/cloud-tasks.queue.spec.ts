import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { HttpPolicy } from '@app/http';
import { GoogleRestServer, googleError } from '../../test/google-rest.fixture.js';
import { CloudTasksQueue } from './cloud-tasks.queue.js';
import { taskId } from './task-id.util.js';

const QUEUE_PATH = 'projects/uni-services/locations/europe-west2/queues/storage-gateway';

/**
 * The Cloud Tasks adapter with the real @google-cloud/tasks client, its transport switched to REST and
 * pointed at a local server: what the adapter asks Cloud Tasks for, and how it reads the answers.
 */
describe('CloudTasksQueue', () => {
  let server: GoogleRestServer;
  let queue: CloudTasksQueue;
  const sleeps: number[] = [];

  beforeAll(async () => {
    server = await GoogleRestServer.start();
    queue = new CloudTasksQueue({
      project: 'uni-services',
      location: 'europe-west2',
      queue: 'storage-gateway',
      targetUrl: 'https://storage-gateway-abc123-nw.a.run.app/',
      serviceAccountEmail: 'storage-gateway-tasks@uni-services.iam.gserviceaccount.com',
      clientOptions: server.gaxOptions(),
      policy: new HttpPolicy({
        system: 'Cloud Tasks',
        maxAttempts: 3,
        baseDelayMs: 5,
        sleep: (ms) => {
          sleeps.push(ms);
          return Promise.resolve();
        },
      }),
    });
  });
  beforeEach(() => {
    server.requests.length = 0;
    sleeps.length = 0;
    server.answer = (request) => ({ status: 200, body: (request.json as { task: unknown }).task });
  });
  afterAll(() => server.close());

  it('creates a named HTTP task with the JSON body and an OIDC token for the target', async () => {
    const id = taskId('provision', 'order-1');
    const scheduleTime = new Date('2026-06-01T09:30:00.500Z');
    expect(await queue.enqueue({ job: 'provision', id, body: { orderId: 'order-1' }, scheduleTime })).toEqual(
      {
        id,
        created: true,
      },
    );
    expect(server.requests).toHaveLength(1);
    const [request] = server.requests;
    expect(request.method).toBe('POST');
    expect(request.path.split('?')[0]).toBe(`/v2/${QUEUE_PATH}/tasks`);
    expect(request.headers.authorization).toBe('Bearer test-access-token');
    const { task } = request.json as {
      task: Record<string, unknown> & { httpRequest: Record<string, unknown> };
    };
    expect(task.name).toBe(`${QUEUE_PATH}/tasks/${id}`);
    expect(task.httpRequest).toMatchObject({
      url: 'https://storage-gateway-abc123-nw.a.run.app/tasks/provision',
      headers: { 'Content-Type': 'application/json' },
      oidcToken: {
        serviceAccountEmail: 'storage-gateway-tasks@uni-services.iam.gserviceaccount.com',
        audience: 'https://storage-gateway-abc123-nw.a.run.app',
      },
    });
    // POST, in the REST transport's enum encoding.
    expect([1, 'POST']).toContain(task.httpRequest.httpMethod);
    expect(Buffer.from(task.httpRequest.body as string, 'base64').toString('utf8')).toBe(
      '{"orderId":"order-1"}',
    );
    expect(task.dispatchDeadline).toMatch(/^600(\.0+)?s$/);
    expect(task.scheduleTime).toBe('2026-06-01T09:30:00.500Z');
  });

  it('takes ALREADY_EXISTS as success: the same work was already queued', async () => {
    server.answer = () => ({
      status: 409,
      body: googleError(409, 'ALREADY_EXISTS', 'Requested entity already exists'),
    });
    const id = taskId('provision', 'order-2');
    expect(await queue.enqueue({ job: 'provision', id })).toEqual({ id, created: false });
    expect(server.requests).toHaveLength(1);
  });

  it('retries UNAVAILABLE with the same task name, so a create that got through is not doubled', async () => {
    let calls = 0;
    server.answer = (request) =>
      ++calls === 1
        ? { status: 503, body: googleError(503, 'UNAVAILABLE', 'try again') }
        : { status: 200, body: (request.json as { task: unknown }).task };
    const id = taskId('provision', 'order-3');
    expect(await queue.enqueue({ job: 'provision', id })).toEqual({ id, created: true });
    const names = server.requests.map((r) => (r.json as { task: { name: string } }).task.name);
    expect(names).toEqual([`${QUEUE_PATH}/tasks/${id}`, `${QUEUE_PATH}/tasks/${id}`]);
    expect(sleeps).toHaveLength(1);
  });

  it('fails on PERMISSION_DENIED at once, naming the task and the queue', async () => {
    server.answer = () => ({ status: 403, body: googleError(403, 'PERMISSION_DENIED', 'no') });
    const id = taskId('provision', 'order-4');
    await expect(queue.enqueue({ job: 'provision', id })).rejects.toThrow(
      `Cloud Tasks: could not enqueue task ${id} of job provision on ${QUEUE_PATH}`,
    );
    expect(server.requests).toHaveLength(1);
  });

  it('refuses a bad task before any request', async () => {
    await expect(queue.enqueue({ job: 'provision', id: 'has space' })).rejects.toThrow(/^task id/);
    expect(server.requests).toHaveLength(0);
  });
});
