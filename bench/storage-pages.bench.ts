// `npm run bench -- storage-pages [--samples N]`: what storage-gateway's main pages cost a researcher.
// The real app (dist/, its AppModule with the platform's headers), people signed in through the real
// OIDC provider (simulators/oidc), a scratch PostgreSQL database holding 10 and then 10,000 accounts
// (each with a completed order; the researcher belongs to the same 10 accounts and has 3 orders in
// progress at both sizes). For My storage (`/`), Buy storage (`/buy`) and an account's page:
// - time to first byte, median of `samples` requests one at a time, and as a ratio to `GET /auth/me`
//   (signed in, no database) measured in the same run;
// - page weight: the HTML plus the stylesheet and scripts it loads (bytes, uncompressed);
// - SQL statements one request sends (BEGIN/COMMIT included), counted as bench.util counts them.
// The goal: every page under 100 KB, and statement counts in one digit that do not grow with the data.
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { configureService } from '@app/service';
import pg from 'pg';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { demoPeople } from '../simulators/oidc/demo-people.js';
import { OidcSimulator } from '../simulators/oidc/oidc.simulator.js';
import {
  createScratchDatabase,
  elapsedMs,
  freePort,
  importDist,
  installStatementCounter,
  intArgument,
  median,
  printResult,
  round,
} from './bench.util.js';

const SAMPLES = intArgument('samples', 30);
const SIZES = [10, 10_000];
const CLIENT_ID = 'bench-storage-pages';
const CLIENT_SECRET = 'bench-storage-pages-client-secret';
const ROSA = 'rr101@uni.example.ac.uk';

type AppModuleFile = typeof import('../apps/storage-gateway/src/app.module.js');
type ConfigFile = typeof import('../apps/storage-gateway/src/config.js');

/** Cookies by name for one host (the app and the provider share 127.0.0.1, as in a browser). */
class Jar {
  readonly cookies = new Map<string, string>();
  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }
  take(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const index = pair.indexOf('=');
      if (/Max-Age=0/i.test(line)) this.cookies.delete(pair.slice(0, index));
      else this.cookies.set(pair.slice(0, index), pair.slice(index + 1));
    }
  }
}

async function signIn(base: string, person: string): Promise<string> {
  const jar = new Jar();
  const go = async (url: string, form?: Record<string, string>) => {
    const response = await fetch(url, {
      method: form === undefined ? 'GET' : 'POST',
      headers: {
        cookie: jar.header(),
        ...(form === undefined ? {} : { 'content-type': 'application/x-www-form-urlencoded' }),
      },
      body: form === undefined ? undefined : new URLSearchParams(form).toString(),
      redirect: 'manual',
    });
    jar.take(response);
    const location = response.headers.get('location');
    return { response, url, location: location === null ? undefined : new URL(location, url).href };
  };
  const follow = async (url: string, form?: Record<string, string>) => {
    let step = await go(url, form);
    while (step.location !== undefined) step = await go(step.location);
    return step;
  };
  const chooser = await follow(`${base}/auth/login?returnTo=%2Fauth%2Fme`);
  const action = /<form method="post" action="([^"]+)"/.exec(await chooser.response.text())?.[1];
  if (action === undefined) throw new Error('the provider did not show its people');
  const landed = await follow(new URL(action, chooser.url).href, { person });
  if (landed.response.status !== 200) throw new Error(`sign-in ended with ${landed.response.status}`);
  await landed.response.arrayBuffer();
  return jar.header();
}

/**
 * `total` accounts, each with a completed new-storage order; the researcher owns 5 of them, manages 3
 * and is a project user in 2, and has 3 orders awaiting approval. Set-based SQL: seconds, not minutes.
 */
async function seed(url: string, total: number): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(
      `INSERT INTO storage.account (reference, product_code, name, department_code, department_name, size_tb,
         starts_on, expires_on, state, owner_email, backend_access, updated_at)
       SELECT 'RFS-' || lpad(i::text, 6, '0'), 'RFS', 'Group data ' || i, 'PN', 'Physics', 1 + i % 20,
         DATE '2026-01-01' + (i % 300), DATE '2027-01-01' + (i % 300), 'active',
         CASE WHEN i <= 5 THEN $1 ELSE 'owner' || i || '@uni.example.ac.uk' END, 'read-write', now()
       FROM generate_series(1, $2::int) AS i`,
      [ROSA, total],
    );
    await client.query(
      `INSERT INTO storage.account_manager (account_id, email)
       SELECT id, $1 FROM storage.account WHERE reference IN ('RFS-000006', 'RFS-000007', 'RFS-000008')`,
      [ROSA],
    );
    await client.query(
      `WITH p AS (INSERT INTO storage.project (account_id, name)
         SELECT id, 'lab' FROM storage.account WHERE reference IN ('RFS-000009', 'RFS-000010') RETURNING id)
       INSERT INTO storage.project_member (project_id, email, role) SELECT id, $1, 'user' FROM p`,
      [ROSA],
    );
    await client.query(
      `INSERT INTO storage.quote (reference, kind, product_code, account_id, size_tb, charged_tb, years,
         unit_price_pence, amount_pence, period_start, period_end, explanation, valid_until, created_by)
       SELECT 'Q-' || substr(a.reference, 5), 'new', 'RFS', NULL, a.size_tb, a.size_tb, 1, 13900,
         13900 * a.size_tb, a.starts_on, a.expires_on, 'seeded', a.starts_on + 30, a.owner_email
       FROM storage.account a`,
    );
    await client.query(
      `INSERT INTO storage."order" (reference, quote_id, account_id, state, payment_method, payment_reference,
         idempotency_key, created_by, updated_at)
       SELECT 'O-' || substr(q.reference, 3), q.id, a.id,
         CASE WHEN q.reference IN ('Q-000001', 'Q-000002', 'Q-000003') THEN 'awaiting_approval' ELSE 'completed' END::storage."StorageOrderState",
         'finance_code', 'U.PN.PNLI.AAAA.ELKZ.0000', 'seed-' || q.reference, q.created_by, now()
       FROM storage.quote q JOIN storage.account a ON substr(a.reference, 5) = substr(q.reference, 3)`,
    );
    await client.query('ANALYZE');
    const first = await client.query<{ id: string }>(
      `SELECT id FROM storage.account WHERE reference = 'RFS-000001'`,
    );
    return first.rows[0]?.id ?? '';
  } finally {
    await client.end();
  }
}

/** Milliseconds until the response's headers arrive (the body is then read and dropped). */
async function ttfb(url: string, cookie: string): Promise<number> {
  const start = process.hrtime.bigint();
  const response = await fetch(url, { headers: { cookie } });
  const ms = elapsedMs(start);
  if (response.status !== 200) throw new Error(`${url}: ${response.status}`);
  await response.arrayBuffer();
  return ms;
}

/** HTML bytes and the bytes of the stylesheet and scripts it loads. */
async function weight(
  base: string,
  pagePath: string,
  cookie: string,
): Promise<{ html: number; assets: number }> {
  const html = await (await fetch(`${base}${pagePath}`, { headers: { cookie } })).text();
  const assets = [...new Set([...html.matchAll(/(?:href|src)="(\/static\/[^"]+)"/g)].map((m) => m[1] ?? ''))];
  let assetBytes = 0;
  for (const asset of assets) assetBytes += (await (await fetch(`${base}${asset}`)).arrayBuffer()).byteLength;
  return { html: Buffer.byteLength(html), assets: assetBytes };
}

async function measureAt(
  total: number,
  modules: { appModule: AppModuleFile; config: ConfigFile },
  counter: ReturnType<typeof installStatementCounter>,
): Promise<Record<string, unknown>> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const provider = new OidcSimulator({
    clients: [
      {
        clientId: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
        redirectUris: [`${base}/auth/callback`],
        postLogoutRedirectUris: [`${base}/`],
      },
    ],
  });
  provider.seed(demoPeople());
  await provider.start();
  const database = await createScratchDatabase();
  const documents = await mkdtemp(path.join(os.tmpdir(), 'storage-pages-bench-'));
  const config = modules.config.loadStorageGatewayConfig({
    NODE_ENV: 'test',
    PORT: String(port),
    DATABASE_URL: database.url,
    JOB_TOKEN: 'storage-pages-bench-job-token-0123456789',
    LOG_LEVEL: 'silent',
    AUTH_BASE_URL: base,
    OIDC_ISSUER_URL: provider.issuer,
    OIDC_CLIENT_ID: CLIENT_ID,
    OIDC_CLIENT_SECRET: CLIENT_SECRET,
    SESSION_SECRET: 'storage-pages-bench-session-secret-0123456789',
    ADMIN_GROUPS: 'storage-admins',
    // Not called by the pages measured.
    CUFS_API_URL: 'http://127.0.0.1:9',
    CUFS_API_TOKEN: 'unused-in-this-bench-0123456789',
    STORAGE_BACKEND_URL: 'http://127.0.0.1:9/api/v1',
    STORAGE_BACKEND_TOKEN: 'unused-in-this-bench-0123456789',
    DOCUMENTS_DIR: documents,
    STORAGE_SEED_FILE: 'data/storage-products.json',
  });
  const app = await NestFactory.create(modules.appModule.AppModule.forRoot(config), { logger: false });
  configureService(app, { app: 'storage-gateway', description: 'bench' });
  await app.listen(port, '127.0.0.1');
  try {
    const accountId = await seed(database.url, total);
    const cookie = await signIn(base, 'rr101');
    const pages = { myStorage: '/', buyStorage: '/buy', account: `/accounts/${accountId}` } as const;
    const floorPath = '/auth/me';
    for (const p of [...Object.values(pages), floorPath])
      for (let i = 0; i < 5; i++) await ttfb(`${base}${p}`, cookie);
    const result: Record<string, unknown> = { accounts: total };
    const floor: number[] = [];
    const times: Record<string, number[]> = { myStorage: [], buyStorage: [], account: [] };
    // Interleaved, so that the machine's load falls on every page alike.
    for (let i = 0; i < SAMPLES; i++) {
      floor.push(await ttfb(`${base}${floorPath}`, cookie));
      for (const [name, p] of Object.entries(pages)) times[name]?.push(await ttfb(`${base}${p}`, cookie));
    }
    const floorMs = median(floor);
    result.floorAuthMeTtfbMs = round(floorMs, 2);
    for (const [name, p] of Object.entries(pages)) {
      const { statements, kinds } = await counter.measure(() => ttfb(`${base}${p}`, cookie));
      const w = await weight(base, p, cookie);
      const ms = median(times[name] ?? []);
      result[name] = {
        ttfbMs: round(ms, 2),
        ttfbVsAuthMe: round(ms / floorMs, 2),
        htmlBytes: w.html,
        cssJsBytes: w.assets,
        totalKb: round((w.html + w.assets) / 1024, 1),
        statements,
        kinds,
      };
    }
    return result;
  } finally {
    await app.close();
    await provider.close();
    await database.drop();
    await rm(documents, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  // Installed before any client exists, so that every statement is counted.
  const counter = installStatementCounter();
  const modules = {
    appModule: await importDist<AppModuleFile>('apps/storage-gateway/app.module.js'),
    config: await importDist<ConfigFile>('apps/storage-gateway/config.js'),
  };
  const results = [];
  for (const total of SIZES) results.push(await measureAt(total, modules, counter));
  printResult({ bench: 'storage-pages', samples: SAMPLES, sizes: results });
}

await main();
