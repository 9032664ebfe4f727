import type { Server } from 'node:http';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { type LocalTaskQueue, TASK_QUEUE } from '@app/google';
import { configureService } from '@app/service';
import {
  startTestApp,
  startTestOidcProvider,
  TEST_OIDC_CLIENT_ID,
  TEST_OIDC_CLIENT_SECRET,
  TestBrowser,
  type TestApp,
} from '@app/testing';
import type { OidcPerson, OidcSimulator } from '../../../simulators/oidc/oidc.simulator.js';
import { AppModule } from '../src/app.module.js';
import type { Clock } from '../src/clock.js';
import { type EllaOpsConfig, loadEllaOpsConfig } from '../src/config.js';
import { freePort, startSupervisord, type TestSupervisord } from './supervisord.harness.js';

export const JOB_TOKEN = 'ella-ops-e2e-job-token-0123456789';
export const OPERATOR_TOKEN = 'ella-ops-e2e-operator-token-0123456789';
export const VIEWER_TOKEN = 'ella-ops-e2e-viewer-token-0123456789';
export const operator = { Authorization: `Bearer ${OPERATOR_TOKEN}` };
export const viewer = { Authorization: `Bearer ${VIEWER_TOKEN}` };
export const job = { Authorization: `Bearer ${JOB_TOKEN}` };
export const SESSION_SECRET = 'ella-ops-e2e-session-secret-0123456789';

/**
 * The people of the OIDC provider in page specs: an operator by address, an operator and a viewer
 * by group (the ID token's `groups` claim), a viewer by address, and someone with no role here.
 */
export const OPS_PEOPLE: OidcPerson[] = [
  { id: 'op101', name: 'Olga Operator', email: 'op101@uni.example.ac.uk', groups: ['staff'] },
  { id: 'og202', name: 'Gus Group-Operator', email: 'og202@uni.example.ac.uk', groups: ['ella-operators'] },
  { id: 'vg303', name: 'Vera Group-Viewer', email: 'vg303@uni.example.ac.uk', groups: ['ella-viewers'] },
  { id: 'vw404', name: 'Walt Viewer', email: 'vw404@uni.example.ac.uk', groups: ['staff'] },
  { id: 'nb505', name: 'Nina Nobody', email: 'nb505@uni.example.ac.uk', groups: ['staff'] },
];
export type OpsPerson = 'op101' | 'og202' | 'vg303' | 'vw404' | 'nb505';

/** A browser signed in through the real OIDC provider, with the session's CSRF token. */
export interface SignedInBrowser {
  browser: TestBrowser;
  csrf: string;
  email: string;
  roles: string[];
}

export interface EllaOpsHarness {
  t: TestApp<EllaOpsConfig, Record<never, never>, false>;
  /** The app's own task queue (backups): the local dispatcher, delivering over HTTP to its `/tasks/<name>`. */
  queue: LocalTaskQueue;
  /** The app's own address (it listens: the queue calls it). */
  baseUrl: string;
  /** The primary's supervisord (programs running) and its failover's (programs stopped). */
  prod: TestSupervisord;
  dr: TestSupervisord;
  /** With `signIn`: the OIDC provider people sign in with. */
  oidc: OidcSimulator | undefined;
  /** With `signIn`: a browser signed in as one of OPS_PEOPLE. */
  signIn(person: OpsPerson): Promise<SignedInBrowser>;
  close(): Promise<void>;
}

/**
 * ella-ops as production wires it, on its own test database, with two real supervisords: `prod` (a
 * primary, its programs running) and `dr` (its failover, stopped); `offline` is a staging instance
 * whose supervisord does not answer. `extraInstances` adds instances (ELLA databases...).
 */
export async function startEllaOps(
  options: {
    databaseUrl?: string;
    ellaUrl?: string;
    backupUrl?: string;
    env?: Record<string, string>;
    clock?: Clock;
    /** Listen on a port with the real OIDC provider (simulators/oidc) and OPS_PEOPLE, for the pages. */
    signIn?: boolean;
  } = {},
): Promise<EllaOpsHarness> {
  const prod = await startSupervisord();
  const dr = await startSupervisord({ autostart: false }).catch(async (error: unknown) => {
    await prod.close();
    throw error;
  });
  // A port nothing listens on: the offline instance's supervisord, database and ELLA.
  const closedPort = await freePort();
  const closed = `http://127.0.0.1:${closedPort}`;
  const offlineDatabase = `postgresql://postgres@127.0.0.1:${closedPort}/ella`;
  const common = {
    databaseUrl: options.databaseUrl ?? offlineDatabase,
    ellaUrl: options.ellaUrl ?? `${closed}/`,
    backupUrl: options.backupUrl ?? 'file:///tmp/ella-backups',
  };
  const instances = [
    {
      name: 'prod',
      role: 'primary',
      supervisorUrl: prod.url,
      supervisorUsername: prod.username,
      supervisorPassword: prod.password,
      ...common,
    },
    {
      name: 'dr',
      role: 'failover',
      primary: 'prod',
      supervisorUrl: dr.url,
      supervisorUsername: dr.username,
      supervisorPassword: dr.password,
      ...common,
    },
    {
      name: 'offline',
      role: 'staging',
      supervisorUrl: `${closed}/RPC2`,
      databaseUrl: offlineDatabase,
      ellaUrl: `${closed}/`,
      backupUrl: options.backupUrl ?? 'file:///tmp/ella-backups',
    },
  ];
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  let oidc: OidcSimulator | undefined;
  try {
    await Promise.all([prod.settled(), dr.settled()]);
    if (options.signIn === true) oidc = await startTestOidcProvider(baseUrl, OPS_PEOPLE);
    const t = await startTestApp({
      config: ({ db }) =>
        loadEllaOpsConfig({
          NODE_ENV: 'test',
          PORT: String(port),
          DATABASE_URL: db.url,
          JOB_TOKEN,
          OPERATOR_TOKEN,
          VIEWER_TOKEN,
          LOG_LEVEL: 'silent',
          ELLA_INSTANCES: JSON.stringify(instances),
          SUPERVISOR_TIMEOUT_MS: '5000',
          // Web sign-in: without `signIn` the provider is never asked (discovery waits for a sign-in).
          AUTH_BASE_URL: baseUrl,
          OIDC_ISSUER_URL: oidc?.issuer ?? `http://127.0.0.1:${closedPort}/`,
          OIDC_CLIENT_ID: TEST_OIDC_CLIENT_ID,
          OIDC_CLIENT_SECRET: TEST_OIDC_CLIENT_SECRET,
          SESSION_SECRET,
          OPERATOR_EMAILS: 'op101@uni.example.ac.uk',
          OPERATOR_GROUPS: 'ella-operators',
          VIEWER_EMAILS: 'vw404@uni.example.ac.uk',
          VIEWER_GROUPS: 'ella-viewers',
          ...options.env,
        }),
      appModule: (config) => AppModule.forRoot(config, { clock: options.clock }),
      configure: (app) => configureService(app, { app: 'ella-ops', description: 'test' }),
    });
    // The app's own task queue, as production wires it locally: it delivers to 127.0.0.1:PORT.
    const queue = t.app.get<LocalTaskQueue>(TASK_QUEUE);
    await t.app.listen(port, '127.0.0.1');
    return {
      t,
      queue,
      prod,
      dr,
      baseUrl,
      oidc,
      async signIn(person) {
        if (oidc === undefined) throw new Error('startEllaOps({ signIn: true }) is needed to sign in');
        const browser = new TestBrowser();
        const chooser = await browser.follow(`${baseUrl}/auth/login?returnTo=%2Fauth%2Fme`);
        const action = /<form method="post" action="([^"]+)"/.exec(chooser.text)?.[1];
        if (action === undefined) throw new Error(`no sign-in form: ${chooser.status}`);
        const me = await browser.follow(new URL(action, chooser.url).href, { form: { person } });
        const { csrfToken, email, roles } = me.json<{ csrfToken: string; email: string; roles: string[] }>();
        return { browser, csrf: csrfToken, email, roles };
      },
      async close() {
        await queue.drained();
        await t.close();
        await Promise.all([prod.close(), dr.close(), oidc?.close()]);
      },
    };
  } catch (error) {
    await Promise.all([prod.close(), dr.close(), oidc?.close()]);
    throw error;
  }
}

export interface AnotherApp {
  app: INestApplication;
  queue: LocalTaskQueue;
  http(): ReturnType<typeof request>;
  close(): Promise<void>;
}

/**
 * A second instance of ella-ops on the harness's database and peers, as after a restart: nothing of
 * the first one's memory, its own port and task queue; `settings` changes some of its configuration.
 */
export async function startAnotherApp(
  h: EllaOpsHarness,
  clock?: Clock,
  settings: Partial<EllaOpsConfig> = {},
): Promise<AnotherApp> {
  const port = await freePort();
  const moduleRef = await Test.createTestingModule({
    imports: [AppModule.forRoot({ ...h.t.config, ...settings, PORT: port }, { clock })],
  }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  configureService(app, { app: 'ella-ops', description: 'test' });
  await app.init();
  await app.listen(port, '127.0.0.1');
  const queue = app.get<LocalTaskQueue>(TASK_QUEUE);
  return {
    app,
    queue,
    http: () => request(app.getHttpServer() as Server),
    async close() {
      await queue.drained();
      await app.close();
    },
  };
}
