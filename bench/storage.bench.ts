// `npm run bench -- storage [--requests N] [--concurrency N] [--renewal-accounts N]`: storage-gateway's
// cost as its data grows.
//
// 1. Database statements per request of GET /api/accounts (one person's accounts) and of the
//    administrators' order queue (GET /api/admin/orders, 100 oldest), with 10 and then 10,000 accounts
//    and orders in the database: the counts must not grow with the rows.
// 2. The renewals job over `--renewal-accounts` (20,000) accounts whose expiries are spread around
//    today: statements and wall time (a dry run, then the real run).
// 3. GET /api/accounts under load from this process against the app running as its own process
//    (dist/apps/storage-gateway/main.js): throughput and p50/p99.
//
// People sign in through IAP mode here (an ES256-signed `x-goog-iap-jwt-assertion` made by this
// benchmark, its keys served to the app as IAP's key set): the API's own cost is what is measured,
// not an OIDC round trip. Parts 1 and 2 run the real AppModule in this process, so node-postgres's
// statements can be counted.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { NestFactory } from '@nestjs/core';
import type { INestApplication } from '@nestjs/common';
import { exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import pg from 'pg';
import { configureService } from '@app/service';
import {
  createScratchDatabase,
  elapsedMs,
  freePort,
  importDist,
  installStatementCounter,
  intArgument,
  printResult,
  round,
  sleep,
} from './bench.util.js';

type AppModuleFile = typeof import('../apps/storage-gateway/src/app.module.js');
type ConfigFile = typeof import('../apps/storage-gateway/src/config.js');

const AUDIENCE = '/projects/123456/apps/storage-bench';
const OWNER = 'owner@bench.example.ac.uk';
const ADMIN = 'admin@bench.example.ac.uk';
const JOB_TOKEN = `bench-job-${randomBytes(12).toString('hex')}`;

interface Keys {
  jwksUrl: string;
  sign(email: string): Promise<string>;
  close(): Promise<void>;
}

/** An ES256 key pair, its public half served as IAP's key set, and assertions signed with it. */
async function iapKeys(): Promise<Keys> {
  const { publicKey, privateKey } = await generateKeyPair('ES256');
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid: 'bench', alg: 'ES256', use: 'sig' };
  const server = http.createServer((_req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const cache = new Map<string, string>();
  return {
    jwksUrl: `http://127.0.0.1:${port}/jwks`,
    async sign(email) {
      const cached = cache.get(email);
      if (cached !== undefined) return cached;
      const token = await new SignJWT({ email })
        .setProtectedHeader({ alg: 'ES256', kid: 'bench' })
        .setIssuer('https://cloud.google.com/iap')
        .setAudience(AUDIENCE)
        .setSubject(`accounts.google.com:${email}`)
        .setIssuedAt()
        .setExpirationTime('2h')
        .sign(privateKey);
      cache.set(email, token);
      return token;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/**
 * Where the app's local task queue delivers in this benchmark: a sink that answers 200 and counts, so
 * the tasks a run queues (thousands of apply-access on the renewals' first day) neither run against
 * the app meanwhile nor hide in its statement counts.
 */
async function taskSink(): Promise<{ url: string; received: () => number; close(): Promise<void> }> {
  let received = 0;
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      received += 1;
      res.setHeader('content-type', 'application/json');
      res.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received: () => received,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function settings(databaseUrl: string, port: number, keys: Keys, sinkUrl: string): Record<string, string> {
  return {
    NODE_ENV: 'production',
    LOG_LEVEL: 'silent',
    PORT: String(port),
    DATABASE_URL: databaseUrl,
    DATABASE_POOL_SIZE: '10',
    JOB_TOKEN,
    AUTH_MODE: 'iap',
    AUTH_BASE_URL: `http://127.0.0.1:${port}`,
    IAP_AUDIENCE: AUDIENCE,
    IAP_JWKS_URL: keys.jwksUrl,
    SESSION_SECRET: randomBytes(24).toString('hex'),
    ADMIN_EMAILS: ADMIN,
    // Neither is called by what is measured.
    CUFS_API_URL: 'http://127.0.0.1:9',
    CUFS_API_TOKEN: 'bench-cufs-token-0123456789',
    STORAGE_BACKEND_URL: 'http://127.0.0.1:9/api/v1',
    STORAGE_BACKEND_TOKEN: 'bench-backend-token-0123456789',
    DOCUMENTS_DIR: '.data/bench-storage-documents',
    TASKS_TARGET_URL: sinkUrl,
  };
}

/** `count` more active accounts owned by OWNER, each with one order awaiting approval: set-based inserts. */
async function addAccounts(databaseUrl: string, from: number, count: number): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('BEGIN');
    await client.query(
      `INSERT INTO storage.product (code, name, description, price_per_tb_year, min_tb, max_tb, step_tb, terms_years, updated_at, updated_by)
       VALUES ('RFS', 'Research File Share', 'shares', 13900, 1, 200, 1, '{1,2,3}', now(), 'bench') ON CONFLICT DO NOTHING`,
    );
    await client.query(
      `INSERT INTO storage.account (reference, product_code, name, department_code, department_name, size_tb,
                                    starts_on, expires_on, state, owner_email, backend_access, updated_at)
       SELECT 'RFS-' || lpad(n::text, 6, '0'), 'RFS', 'Data ' || n, 'PN', 'Physics', 1 + n % 20,
              current_date - 200, current_date + 165 + n % 200, 'active', $3, 'read-write', now()
         FROM generate_series($1::int, $1::int + $2::int - 1) n`,
      [from, count, OWNER],
    );
    await client.query(
      `INSERT INTO storage.account_manager (account_id, email)
       SELECT id, 'manager-' || (row_number() OVER ()) % 7 || '@bench.example.ac.uk' FROM storage.account
        WHERE reference >= 'RFS-' || lpad($1::text, 6, '0') AND reference <= 'RFS-' || lpad(($1::int + $2::int - 1)::text, 6, '0')`,
      [from, count],
    );
    await client.query(
      `WITH q AS (
         INSERT INTO storage.quote (reference, kind, product_code, account_id, size_tb, charged_tb, years, unit_price_pence,
                                    amount_pence, period_start, period_end, explanation, valid_until, created_by)
         SELECT 'Q-' || a.reference, 'increase', 'RFS', a.id, a.size_tb + 1, 1, NULL, 13900, 5000, current_date,
                a.expires_on, 'bench', current_date + 30, $3
           FROM storage.account a
          WHERE a.reference >= 'RFS-' || lpad($1::text, 6, '0') AND a.reference <= 'RFS-' || lpad(($1::int + $2::int - 1)::text, 6, '0')
         RETURNING id, account_id, reference)
       INSERT INTO storage."order" (reference, quote_id, account_id, state, payment_method, payment_reference,
                                    idempotency_key, created_by, updated_at)
       SELECT 'O-' || substr(q.reference, 3), q.id, q.account_id, 'awaiting_approval', 'finance_code',
              'U.PN.PNLI.AAAA.ELKZ.0000', 'bench-' || q.reference, $3, now()
         FROM q`,
      [from, count, OWNER],
    );
    await client.query('COMMIT');
    await client.query('ANALYZE');
  } finally {
    await client.end();
  }
}

/** Accounts for the renewals job: expiries spread from 120 days ago to 90 days ahead, a third with a manager. */
async function addRenewalAccounts(databaseUrl: string, count: number): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(
      `INSERT INTO storage.account (reference, product_code, name, department_code, department_name, size_tb,
                                    starts_on, expires_on, state, owner_email, backend_access, reminders_sent, updated_at)
       SELECT 'REN-' || lpad(n::text, 6, '0'), 'RFS', 'Renewal ' || n, 'PN', 'Physics', 1,
              current_date - 400, current_date - 120 + n % 211,
              (CASE WHEN n % 211 < 120 AND n % 211 >= 90 THEN 'expired' ELSE 'active' END)::storage."StorageAccountState",
              'owner-' || n || '@bench.example.ac.uk',
              CASE WHEN n % 211 < 120 AND n % 211 >= 90 THEN 'read-only' ELSE 'read-write' END,
              '{}', now()
         FROM generate_series(1, $1::int) n`,
      [count],
    );
    await client.query(
      `INSERT INTO storage.account_manager (account_id, email)
       SELECT id, 'manager@bench.example.ac.uk' FROM storage.account WHERE reference LIKE 'REN-%' AND substr(reference, 5)::int % 3 = 0`,
    );
    await client.query('ANALYZE');
  } finally {
    await client.end();
  }
}

function request(
  port: number,
  path: string,
  headers: Record<string, string>,
  method = 'GET',
  agent?: http.Agent,
) {
  const started = process.hrtime.bigint();
  return new Promise<{ status: number; ms: number; bytes: number; error?: string }>((resolve) => {
    const req = http.request({ host: '127.0.0.1', port, path, method, headers, agent }, (res) => {
      let bytes = 0;
      let head = '';
      res.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        if (head.length < 2000) head += chunk.toString();
      });
      res.on('end', () => {
        const status = res.statusCode ?? 0;
        const error = status >= 500 ? (/"error":"([^"]*)"/.exec(head)?.[1] ?? head.slice(0, 300)) : undefined;
        resolve({ status, ms: elapsedMs(started), bytes, ...(error === undefined ? {} : { error }) });
      });
    });
    req.on('error', () => resolve({ status: 0, ms: elapsedMs(started), bytes: 0 }));
    req.end();
  });
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

async function startInProcess(
  databaseUrl: string,
  keys: Keys,
  sinkUrl: string,
): Promise<{ app: INestApplication; port: number }> {
  const { AppModule } = await importDist<AppModuleFile>('apps/storage-gateway/app.module.js');
  const { loadStorageGatewayConfig } = await importDist<ConfigFile>('apps/storage-gateway/config.js');
  const port = await freePort();
  const config = loadStorageGatewayConfig(settings(databaseUrl, port, keys, sinkUrl));
  const app = await NestFactory.create(AppModule.forRoot(config), { logger: false });
  configureService(app, { app: 'storage-gateway', description: 'bench' });
  await app.listen(port, '127.0.0.1');
  return { app, port };
}

async function statementsPerRequest(
  counter: ReturnType<typeof installStatementCounter>,
  port: number,
  keys: Keys,
): Promise<Record<string, { statements: number; kinds: Record<string, number>; ms: number; bytes: number }>> {
  const owner = { 'x-goog-iap-jwt-assertion': await keys.sign(OWNER) };
  const admin = { 'x-goog-iap-jwt-assertion': await keys.sign(ADMIN) };
  // Warm: keys fetched, connections open, statements prepared.
  await request(port, '/api/accounts', owner);
  await request(port, '/api/admin/orders', admin);
  const out: Record<
    string,
    { statements: number; kinds: Record<string, number>; ms: number; bytes: number }
  > = {};
  for (const [name, path, headers] of [
    ['accounts', '/api/accounts', owner],
    ['orderQueue', '/api/admin/orders?state=awaiting_approval', admin],
  ] as const) {
    const measured = await counter.measure(() => request(port, path, headers));
    if (measured.result.status !== 200) throw new Error(`${path} answered ${measured.result.status}`);
    out[name] = {
      statements: measured.statements,
      kinds: measured.kinds,
      ms: round(measured.result.ms),
      bytes: measured.result.bytes,
    };
  }
  return out;
}

async function load(port: number, keys: Keys, requests: number, concurrency: number) {
  const headers = { 'x-goog-iap-jwt-assertion': await keys.sign('someone@bench.example.ac.uk') };
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  for (let i = 0; i < concurrency; i++) await request(port, '/api/accounts', headers, 'GET', agent);
  const times: number[] = [];
  let errors = 0;
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < requests) {
        next += 1;
        const answer = await request(port, '/api/accounts', headers, 'GET', agent);
        if (answer.status !== 200) errors += 1;
        times.push(answer.ms);
      }
    }),
  );
  const wallMs = elapsedMs(started);
  agent.destroy();
  times.sort((a, b) => a - b);
  return {
    requests,
    concurrency,
    errors,
    throughputPerSecond: round((requests / wallMs) * 1000),
    p50Ms: round(percentile(times, 50)),
    p99Ms: round(percentile(times, 99)),
  };
}

async function startProcess(
  databaseUrl: string,
  keys: Keys,
  sinkUrl: string,
): Promise<{ child: ChildProcess; port: number }> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--enable-source-maps', 'dist/apps/storage-gateway/main.js'], {
    env: { PATH: process.env['PATH'] ?? '', ...settings(databaseUrl, port, keys, sinkUrl) },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  for (let i = 0; i < 300; i++) {
    if ((await request(port, '/healthz', {})).status === 200) return { child, port };
    await sleep(50);
  }
  child.kill('SIGKILL');
  throw new Error('storage-gateway did not start');
}

async function main(): Promise<void> {
  const requests = intArgument('requests', 2000);
  const concurrency = intArgument('concurrency', 50);
  const renewalAccounts = intArgument('renewal-accounts', 20_000);
  const counter = installStatementCounter();
  const keys = await iapKeys();
  const sink = await taskSink();
  const database = await createScratchDatabase();
  const result: Record<string, unknown> = { bench: 'storage', node: process.version };
  let app: INestApplication | undefined;
  let child: ChildProcess | undefined;
  try {
    await addAccounts(database.url, 1, 10);
    const started = await startInProcess(database.url, keys, sink.url);
    app = started.app;
    const at10 = await statementsPerRequest(counter, started.port, keys);
    await addAccounts(database.url, 11, 9_990);
    const at10000 = await statementsPerRequest(counter, started.port, keys);
    result['statementsPerRequest'] = { at10Accounts: at10, at10000Accounts: at10000 };

    await addRenewalAccounts(database.url, renewalAccounts);
    const job = { authorization: `Bearer ${JOB_TOKEN}` };
    const runJob = async (path: string) => {
      const t = process.hrtime.bigint();
      const measured = await counter.measure(() => request(started.port, path, job, 'POST'));
      return {
        status: measured.result.status,
        statements: measured.statements,
        ms: round(elapsedMs(t)),
        ...(measured.result.error === undefined ? {} : { error: measured.result.error }),
      };
    };
    const dry = await runJob('/jobs/renewals?dry_run=1');
    const real = await runJob('/jobs/renewals');
    // The first run's tasks are delivered after its answer: wait until the sink stops receiving.
    let tasksQueued = -1;
    for (let i = 0; i < 300 && sink.received() !== tasksQueued; i++) {
      tasksQueued = sink.received();
      await sleep(200);
    }
    const again = await runJob('/jobs/renewals');
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    const changed = await client.query<{ state: string; n: string }>(
      `SELECT state, count(*) AS n FROM storage.account WHERE reference LIKE 'REN-%' GROUP BY state ORDER BY state`,
    );
    const emails = await client.query<{ n: string }>(`SELECT count(*) AS n FROM platform.outbox_email`);
    await client.end();
    result['renewals'] = {
      accounts: renewalAccounts + 10_000,
      dryRun: dry,
      run: real,
      secondRunSameDay: again,
      statesAfter: Object.fromEntries(changed.rows.map((r) => [r.state, Number(r.n)])),
      emailsQueued: Number(emails.rows[0]?.n ?? 0),
      applyAccessTasksDelivered: tasksQueued,
    };
    await app.close();
    app = undefined;

    // A person with a few accounts, as people have: 3 of their own among the 30,000.
    const seed = new pg.Client({ connectionString: database.url });
    await seed.connect();
    await seed.query(
      `INSERT INTO storage.account_manager (account_id, email)
       SELECT id, 'someone@bench.example.ac.uk' FROM storage.account WHERE reference IN ('RFS-000001', 'RFS-000002', 'RFS-000003')`,
    );
    await seed.end();
    const proc = await startProcess(database.url, keys, sink.url);
    child = proc.child;
    result['accountsUnderLoad'] = await load(proc.port, keys, requests, concurrency);
  } finally {
    await app?.close();
    if (child !== undefined) {
      child.kill('SIGTERM');
      await new Promise((resolve) => child?.once('exit', resolve));
    }
    await keys.close();
    await sink.close();
    await database.drop();
    counter.uninstall();
  }
  printResult(result);
}

await main();
