import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { TASK_QUEUE, LocalTaskQueue, type TaskAttempt } from '@app/google';
import { configureService } from '@app/service';
import {
  startTestApp,
  startTestOidcProvider,
  TEST_OIDC_CLIENT_ID,
  TEST_OIDC_CLIENT_SECRET,
  TestBrowser,
  type TestApp,
} from '@app/testing';
import {
  startCufsApiHarness,
  type CufsApiHarness,
  JOB_TOKEN as CUFS_CALLER_TOKEN,
  DATE,
} from '../../cufs-api/test/cufs-api.harness.js';
import { StorageBackendSimulator } from '../../../simulators/storage-backend/storage-backend.simulator.js';
import type { OidcSimulator } from '../../../simulators/oidc/oidc.simulator.js';
import { AppModule } from '../src/app.module.js';
import { loadStorageGatewayConfig, type StorageGatewayConfig } from '../src/config.js';
import { FixedClock } from '../src/domain/clock.js';

export const JOB_TOKEN = 'storage-gateway-e2e-job-token-0123456789';
export const BACKEND_TOKEN = 'storage-backend-e2e-token-0123456789';
export const PO_MAX_BYTES = 64 * 1024;
/** The demo CUFS data gives fixed answers on this day. */
export const TODAY = DATE;

type Simulators = { backend: StorageBackendSimulator };

export interface StorageGatewayHarness {
  sg: TestApp<StorageGatewayConfig, Simulators, false>;
  baseUrl: string;
  backend: StorageBackendSimulator;
  cufs: CufsApiHarness;
  oidc: OidcSimulator;
  clock: FixedClock;
  /** This harness's own folder of purchase order documents (the object store), removed on close. */
  documentsDir: string;
  queue: LocalTaskQueue;
  /** Every delivery the local queue made. */
  attempts: TaskAttempt[];
  /** Holds every retry of a failed task until `releaseRetries()`. */
  holdRetries(): void;
  releaseRetries(): void;
  /** A browser signed in as one of the OIDC provider's demo people, with its CSRF token. */
  signIn(person: 'rr101' | 'dm202' | 'aa303'): Promise<Person>;
  close(): Promise<void>;
}

/**
 * A JSON answer as the specs read it: field by field, with Jest checking the shapes. The API's types
 * are the controllers' return types; these specs check the wire.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON read loosely by the specs, checked by expect()
export type Json = any;

export interface Person {
  browser: TestBrowser;
  csrf: string;
  email: string;
  get(path: string): Promise<{ status: number; body: Json; text: string; headers: Headers }>;
  send(method: string, path: string, body?: unknown): Promise<{ status: number; body: Json; text: string }>;
  upload(path: string, content: Buffer, contentType?: string): Promise<{ status: number; body: Json }>;
}

async function listen(
  server: { listen(port: number, host: string): Promise<Server> },
  port = 0,
): Promise<string> {
  const s = await server.listen(port, '127.0.0.1');
  return `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
}

/** A port nobody listens on now: the app must know its own URL before it starts (sign-in redirects, the task queue). */
async function freePort(): Promise<number> {
  const net = await import('node:net');
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

/**
 * storage-gateway as it runs: its real AppModule listening on a port, people signing in through the
 * real OIDC provider, the real cufs-api (its AppModule, with the CUFS simulator behind it), the
 * storage backend simulator, and the local task queue delivering over HTTP to the app's own
 * `/tasks/<name>`. Only the clock and the queue's waits between retries are the test's.
 */
export async function startStorageGateway(): Promise<StorageGatewayHarness> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const oidc = await startTestOidcProvider(baseUrl);
  const cufs = await startCufsApiHarness();
  const cufsUrl = await listen(cufs.app as never);
  const clock = new FixedClock(new Date(`${TODAY}T09:00:00Z`));
  const documentsDir = await mkdtemp(path.join(tmpdir(), 'storage-gateway-documents-'));
  const attempts: TaskAttempt[] = [];
  let gate: Promise<void> | null = null;
  let open: () => void = () => undefined;
  const queue = new LocalTaskQueue({
    targetUrl: baseUrl,
    queueName: 'storage-gateway-e2e',
    bearerToken: () => JOB_TOKEN,
    retry: { maxAttempts: 5, minBackoffMs: 1, maxBackoffMs: 5, maxDoublings: 1 },
    sleep: () => gate ?? Promise.resolve(),
    onAttempt: (attempt) => attempts.push(attempt),
  });
  const sg = await startTestApp({
    simulators: { backend: new StorageBackendSimulator({ token: BACKEND_TOKEN }) },
    config: ({ db, simulators }) =>
      loadStorageGatewayConfig({
        NODE_ENV: 'test',
        PORT: String(port),
        DATABASE_URL: db.url,
        JOB_TOKEN,
        LOG_LEVEL: 'silent',
        AUTH_BASE_URL: baseUrl,
        OIDC_ISSUER_URL: oidc.issuer,
        OIDC_CLIENT_ID: TEST_OIDC_CLIENT_ID,
        OIDC_CLIENT_SECRET: TEST_OIDC_CLIENT_SECRET,
        SESSION_SECRET: 'storage-gateway-e2e-session-secret-0123456789',
        ADMIN_GROUPS: 'storage-admins',
        CUFS_API_URL: cufsUrl,
        CUFS_API_TOKEN: CUFS_CALLER_TOKEN,
        STORAGE_BACKEND_URL: `${simulators.backend.url}/api/v1`,
        STORAGE_BACKEND_TOKEN: BACKEND_TOKEN,
        PO_MAX_BYTES: String(PO_MAX_BYTES),
        DOCUMENTS_DIR: documentsDir,
        STORAGE_SEED_FILE: 'data/storage-products.json',
      }),
    appModule: (config) => AppModule.forRoot(config, { clock }),
    configure: (app) => configureService(app, { app: 'storage-gateway', description: 'test' }),
    override: (module) => module.overrideProvider(TASK_QUEUE).useValue(queue),
  });
  await sg.app.listen(port, '127.0.0.1');

  function releaseRetries(): void {
    open();
    gate = null;
  }

  async function signIn(person: 'rr101' | 'dm202' | 'aa303'): Promise<Person> {
    const browser = new TestBrowser();
    const chooser = await browser.follow(`${baseUrl}/auth/login?returnTo=%2Fauth%2Fme`);
    const action = /<form method="post" action="([^"]+)"/.exec(chooser.text)?.[1];
    if (action === undefined) throw new Error(`no sign-in form: ${chooser.status}`);
    const me = await browser.follow(new URL(action, chooser.url).href, { form: { person } });
    const { csrfToken, email } = me.json<{ csrfToken: string; email: string }>();
    const parse = (text: string) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        return undefined;
      }
    };
    return {
      browser,
      csrf: csrfToken,
      email,
      async get(path) {
        const r = await browser.request(`${baseUrl}${path}`);
        return { status: r.status, body: parse(r.text), text: r.text, headers: r.headers };
      },
      async send(method, path, body) {
        const r = await browser.request(`${baseUrl}${path}`, {
          method,
          headers: { 'x-csrf-token': csrfToken, origin: baseUrl },
          ...(body === undefined ? {} : { json: body }),
        });
        return { status: r.status, body: parse(r.text), text: r.text };
      },
      async upload(path, content, contentType = 'application/pdf') {
        const cookie = browser.cookie(`${baseUrl}/`, 'usp_session');
        const r = await fetch(`${baseUrl}${path}`, {
          method: 'POST',
          headers: {
            'content-type': contentType,
            'x-csrf-token': csrfToken,
            origin: baseUrl,
            cookie: `usp_session=${cookie ?? ''}`,
          },
          body: content,
        });
        const text = await r.text();
        return { status: r.status, body: parse(text) };
      },
    };
  }

  return {
    sg,
    baseUrl,
    backend: sg.simulators.backend,
    cufs,
    oidc,
    clock,
    documentsDir,
    queue,
    attempts,
    holdRetries() {
      gate = new Promise((resolve) => (open = resolve));
    },
    releaseRetries,
    signIn,
    async close() {
      releaseRetries();
      await sg.close();
      await cufs.close();
      await oidc.close();
      await rm(documentsDir, { recursive: true, force: true });
    },
  };
}
