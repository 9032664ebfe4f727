// `npm run bench -- gitlab-sync`: the lookup-gitlab-sync app, built and run as in production
// (dist/apps/lookup-gitlab-sync/main.js, its own process, a fresh migrated database), against the
// GitLab and Lookup simulators in this process with 50 ms injected on every API call.
// 50,000 GitLab users (45,000 with CRSids, 1% cancelled; 2,000 `external-*`, 10% inactive).
// Measures two runs (one with changes, then one with none) and, for comparison in the same
// process: paging GitLab alone, and a naive sync read (Lookup after paging, one call at a time).
// Prints one JSON line. Options: BENCH_USERS (default 50000), BENCH_LATENCY_MS (default 50).
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { adminQuery, migrate, startEmbeddedDatabase, withDatabaseName } from '@app/db';
import { generateUsers } from '../simulators/gitlab/generate-users.js';
import { GitLabSimulator } from '../simulators/gitlab/gitlab.simulator.js';
import { LookupSimulator } from '../simulators/lookup/lookup.simulator.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const USERS = Number(process.env['BENCH_USERS'] ?? 50_000);
const LATENCY_MS = Number(process.env['BENCH_LATENCY_MS'] ?? 50);
const PER_PAGE = 100; // what the app's GitLab client asks for (GitLab's maximum)
const BATCH = 200; // LOOKUP_BATCH_SIZE given to the app (its URL-length clamp allows ~217 here)
const JOB_TOKEN = `bench-job-${randomBytes(12).toString('hex')}`;
const GITLAB_TOKEN = `glpat-bench-${randomBytes(8).toString('hex')}`;
const LOOKUP = { username: 'bench-sync', password: randomBytes(12).toString('hex') };
const ADMIN_URL =
  process.env['BENCH_DATABASE_URL'] ??
  process.env['TEST_DATABASE_URL'] ??
  'postgresql://postgres@127.0.0.1:5432/postgres';

interface Database {
  url: string;
  kind: 'postgresql' | 'embedded';
  drop(): Promise<void>;
}

/** A fresh migrated database: on the local PostgreSQL server if one answers, else embedded. */
async function freshDatabase(): Promise<Database> {
  const migrations = path.join(root, 'prisma/migrations');
  try {
    await adminQuery(ADMIN_URL, 'SELECT 1');
  } catch {
    const embedded = await startEmbeddedDatabase();
    await migrate(embedded.url, migrations);
    return { url: embedded.url, kind: 'embedded', drop: () => embedded.stop() };
  }
  const name = `usp_bench_${randomBytes(4).toString('hex')}`;
  await adminQuery(ADMIN_URL, `CREATE DATABASE "${name}"`);
  const url = withDatabaseName(ADMIN_URL, name);
  await migrate(url, migrations);
  return {
    url,
    kind: 'postgresql',
    drop: async () => {
      await adminQuery(ADMIN_URL, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    },
  };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

async function startApp(env: Record<string, string>): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const main = path.join(root, 'dist/apps/lookup-gitlab-sync/main.js');
  const child = spawn(process.execPath, [main], {
    cwd: root,
    env: { ...process.env, ...env, PORT: String(port) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`the app exited at start: ${stderr.slice(-2000)}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) return { url, child };
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill('SIGKILL');
  throw new Error('the app did not become healthy in 30 s');
}

async function stopApp(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

interface RunFigures {
  wallMs: number;
  status: string;
  planned: number;
  applied: number;
  failed: number;
  calls: { gitlab: number; lookup: number; total: number };
}

async function timedRun(
  appUrl: string,
  gitlab: GitLabSimulator,
  lookup: LookupSimulator,
): Promise<RunFigures> {
  gitlab.control.calls = [];
  lookup.control.calls = [];
  const started = performance.now();
  const response = await fetch(`${appUrl}/jobs/sync`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${JOB_TOKEN}` },
  });
  const wallMs = Math.round(performance.now() - started);
  const body = (await response.json()) as {
    status: string;
    error: string | null;
    summary: { counts?: { planned: number; applied: number; failed: number } };
  };
  if (body.status !== 'succeeded') throw new Error(`the sync run ${body.status}: ${body.error ?? ''}`);
  const counts = body.summary.counts ?? { planned: 0, applied: 0, failed: 0 };
  const calls = { gitlab: gitlab.control.calls.length, lookup: lookup.control.calls.length };
  return {
    wallMs,
    status: body.status,
    planned: counts.planned,
    applied: counts.applied,
    failed: counts.failed,
    calls: { ...calls, total: calls.gitlab + calls.lookup },
  };
}

interface PagedUser {
  username: string;
  state: string;
  bot: boolean;
  identities: { provider: string; extern_uid: string }[];
}

/** Every page of GitLab users, one request at a time, following `Link: rel="next"`; returns the page count. */
async function pageGitLab(gitlabUrl: string, onPage?: (users: PagedUser[]) => void): Promise<number> {
  let url: string | undefined =
    `${gitlabUrl}/api/v4/users?pagination=keyset&order_by=id&sort=asc&per_page=${PER_PAGE}`;
  let pages = 0;
  while (url !== undefined) {
    const response = await fetch(url, { headers: { 'PRIVATE-TOKEN': GITLAB_TOKEN } });
    if (!response.ok) throw new Error(`GitLab page: HTTP ${response.status}`);
    onPage?.((await response.json()) as PagedUser[]);
    pages += 1;
    url = /<([^>]+)>;\s*rel="next"/.exec(response.headers.get('link') ?? '')?.[1];
  }
  return pages;
}

async function main(): Promise<void> {
  const now = new Date();
  const data = generateUsers({
    total: USERS,
    withCrsid: Math.round(USERS * 0.9),
    cancelledFraction: 0.01,
    externals: Math.round(USERS * 0.04),
    inactiveExternalFraction: 0.1,
    seed: 20_261_122,
    identityProvider: 'saml',
    now,
  });
  const gitlab = new GitLabSimulator({ token: GITLAB_TOKEN });
  const lookup = new LookupSimulator({ basic: LOOKUP });
  gitlab.seed(data.users);
  lookup.seed(data.people);
  await gitlab.start();
  await lookup.start();
  gitlab.control.latencyMs = LATENCY_MS;
  lookup.control.latencyMs = LATENCY_MS;
  const db = await freshDatabase();
  let child: ChildProcess | undefined;
  try {
    const app = await startApp({
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      DATABASE_URL: db.url,
      DATABASE_POOL_SIZE: '5',
      JOB_AUTH_MODE: 'token',
      JOB_TOKEN,
      GITLAB_URL: gitlab.url,
      GITLAB_TOKEN,
      GITLAB_IDENTITY_PROVIDER: 'saml',
      LOOKUP_URL: lookup.apiUrl,
      LOOKUP_AUTH: 'basic',
      LOOKUP_USERNAME: LOOKUP.username,
      LOOKUP_PASSWORD: LOOKUP.password,
      LOOKUP_BATCH_SIZE: String(BATCH),
      OPS_EMAIL: 'gitlab-ops@bench.invalid',
      JOBS_FORCE_DRY_RUN: 'false',
    });
    child = app.child;

    const withChanges = await timedRun(app.url, gitlab, lookup);
    const noChanges = await timedRun(app.url, gitlab, lookup);

    gitlab.control.calls = [];
    let started = performance.now();
    const pages = await pageGitLab(gitlab.url);
    const pagesOnlyMs = Math.round(performance.now() - started);

    // Naive: page everything, then ask Lookup one batch at a time (same batches, not overlapped).
    gitlab.control.calls = [];
    lookup.control.calls = [];
    const paged: PagedUser[] = [];
    started = performance.now();
    await pageGitLab(gitlab.url, (users) => paged.push(...users));
    const naiveCrsids = crsidsOfConsidered(paged);
    for (let i = 0; i < naiveCrsids.length; i += BATCH) {
      const response = await fetch(
        `${lookup.apiUrl}/person/list?crsids=${naiveCrsids.slice(i, i + BATCH).join(',')}`,
        {
          headers: {
            Accept: 'application/json',
            Authorization: `Basic ${Buffer.from(`${LOOKUP.username}:${LOOKUP.password}`).toString('base64')}`,
          },
        },
      );
      if (!response.ok) throw new Error(`Lookup: HTTP ${response.status}`);
      await response.json();
    }
    const naiveMs = Math.round(performance.now() - started);
    const naiveCalls = gitlab.control.calls.length + lookup.control.calls.length;

    const lookupBatches = Math.ceil(data.stats.lookupCrsids / BATCH);
    const minimumReads = Math.ceil(USERS / PER_PAGE) + lookupBatches;
    const ratio = (a: number, b: number) => Math.round((a / b) * 1000) / 1000;
    const line = {
      bench: 'gitlab-sync',
      database: db.kind,
      users: USERS,
      latencyMsPerCall: LATENCY_MS,
      data: {
        lookupCrsids: data.stats.lookupCrsids,
        cancelled: data.stats.cancelled,
        inactiveExternals: data.stats.inactiveExternals,
      },
      minimum: {
        gitlabPages: Math.ceil(USERS / PER_PAGE),
        lookupBatches,
        mutations: withChanges.planned,
      },
      runWithChanges: {
        ...withChanges,
        minimumCalls: minimumReads + withChanges.planned,
        callsVsMinimum: ratio(withChanges.calls.total, minimumReads + withChanges.planned),
      },
      runWithoutChanges: {
        ...noChanges,
        minimumCalls: minimumReads,
        callsVsMinimum: ratio(noChanges.calls.total, minimumReads),
      },
      gitlabPagesOnly: { wallMs: pagesOnlyMs, calls: pages },
      naiveSequentialRead: { wallMs: naiveMs, calls: naiveCalls },
      ratios: {
        noChangeRunVsPagesOnly: ratio(noChanges.wallMs, pagesOnlyMs),
        naiveReadVsPagesOnly: ratio(naiveMs, pagesOnlyMs),
        noChangeRunVsNaiveRead: ratio(noChanges.wallMs, naiveMs),
      },
    };
    process.stdout.write(`${JSON.stringify(line)}\n`);
  } finally {
    if (child !== undefined) await stopApp(child);
    await gitlab.close();
    await lookup.close();
    await db.drop();
  }
}

/** The distinct CRSids to look up (of active or blocked non-bots), by the generator's conventions. */
function crsidsOfConsidered(users: readonly PagedUser[]): string[] {
  const seen = new Set<string>();
  for (const user of users) {
    if (user.bot || (user.state !== 'active' && user.state !== 'blocked')) continue;
    const fromIdentity = user.identities[0]?.extern_uid.toLowerCase().replace(/@cam\.ac\.uk$/, '');
    const fromAdmin = /-admin-([a-z0-9]+)$/.exec(user.username)?.[1];
    const crsid =
      fromIdentity ?? fromAdmin ?? (/^[a-z]+[0-9]*$/.test(user.username) ? user.username : undefined);
    if (crsid !== undefined) seen.add(crsid);
  }
  return [...seen];
}

main().catch((error: unknown) => {
  process.stderr.write(
    `gitlab-sync bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
