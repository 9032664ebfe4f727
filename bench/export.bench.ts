// `npm run bench -- export [--requests N] [--concurrency N] [--baseline <checkout>]`: covid-pool's
// GET /export under load. Starts the built app (dist/apps/covid-pool/main.js) as its own process on a
// scratch database seeded with demo-size data (31 Colleges x 1,500 students in households of 3, pools
// of 3 households), fires `requests` GET /export with `concurrency` in flight (keep-alive), then the
// same again with If-None-Match (what a puller that already has the export sends), and prints
// requests/s, p50/p99 latency, the body size on the wire, non-200 (non-304) answers by status, the
// app's resident memory before and after, and its log lines by severity. The client sends
// `Accept-Encoding: gzip, deflate` as HTTP clients do by default.
//
// `--baseline <checkout>` also runs the same load, on the same database, against another build of the
// app, e.g. the code before a change: `git archive main | tar -x -C /tmp/usp-main`, link node_modules,
// `npm run db:generate && npm run build` there, then pass /tmp/usp-main. The two run one after the
// other with the same client, so their ratio is the figure to read; absolute numbers on a shared
// machine are rough.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import {
  createScratchDatabase,
  elapsedMs,
  freePort,
  intArgument,
  printResult,
  round,
  sleep,
} from './bench.util.js';

const COLLEGES = 31;
const STUDENTS_PER_COLLEGE = 1500;
const STUDENTS_PER_HOUSEHOLD = 3;
const HOUSEHOLDS_PER_POOL = 3;
const BOOT_DEADLINE_MS = 60_000;
const REQUEST_TIMEOUT_MS = 60_000;
const rootDir = fileURLToPath(new URL('../..', import.meta.url));

/** Demo-size data, written straight into the tables the export reads. */
async function seed(databaseUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const households = STUDENTS_PER_COLLEGE / STUDENTS_PER_HOUSEHOLD;
    const pools = Math.ceil(households / HOUSEHOLDS_PER_POOL);
    const college = `'college-' || lpad(c::text, 2, '0')`;
    await client.query('BEGIN');
    await client.query(
      `INSERT INTO covid_pool.college (id, name, spreadsheet_id, content_hash, imported_at, updated_at)
       SELECT ${college}, 'College ' || c, 'sheet-' || c, md5(c::text), now(), now()
       FROM generate_series(1, $1::int) c`,
      [COLLEGES],
    );
    await client.query(
      `INSERT INTO covid_pool.pool (college_id, id, description, collection_day, position)
       SELECT ${college}, 'Pool ' || lpad(p::text, 3, '0'), 'Staircase ' || p,
              (ARRAY['Monday','Tuesday','Wednesday','Thursday','Friday'])[1 + p % 5], p - 1
       FROM generate_series(1, $1::int) c, generate_series(1, $2::int) p`,
      [COLLEGES, pools],
    );
    await client.query(
      `INSERT INTO covid_pool.household (college_id, id, pool_id, position)
       SELECT ${college}, 'H' || lpad(h::text, 4, '0'), 'Pool ' || lpad(((h - 1) / $3 + 1)::text, 3, '0'), h - 1
       FROM generate_series(1, $1::int) c, generate_series(1, $2::int) h`,
      [COLLEGES, households, HOUSEHOLDS_PER_POOL],
    );
    await client.query(
      `INSERT INTO covid_pool.student (college_id, crsid, household_id, position)
       SELECT ${college}, chr(97 + s % 26) || chr(97 + (s / 26) % 26) || s,
              'H' || lpad(((s - 1) / $3 + 1)::text, 4, '0'), s - 1
       FROM generate_series(1, $1::int) c, generate_series(1, $2::int) s`,
      [COLLEGES, STUDENTS_PER_COLLEGE, STUDENTS_PER_HOUSEHOLD],
    );
    await client.query('COMMIT');
    await client.query('ANALYZE');
  } finally {
    await client.end();
  }
}

async function residentMb(pid: number): Promise<{ rss: number; peak: number }> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, 'm').exec(status)?.[1]);
  return { rss: round(kb('VmRSS') / 1024), peak: round(kb('VmHWM') / 1024) };
}

interface Answer {
  status: number;
  ms: number;
  etag: string | undefined;
  bytes: number;
}

function get(agent: http.Agent, port: number, token: string, ifNoneMatch?: string): Promise<Answer> {
  const started = process.hrtime.bigint();
  return new Promise((resolve) => {
    // What HTTP clients send by default (fetch, requests, Go's net/http); the body is not unzipped here.
    const headers: Record<string, string> = {
      Authorization: `Bearer ${token}`,
      'Accept-Encoding': 'gzip, deflate',
    };
    if (ifNoneMatch !== undefined) headers['If-None-Match'] = ifNoneMatch;
    const request = http.get(
      { host: '127.0.0.1', port, path: '/export', agent, headers, timeout: REQUEST_TIMEOUT_MS },
      (response) => {
        // The body is read in full (that is part of what a puller waits for) and dropped.
        let bytes = 0;
        response.on('data', (chunk: Buffer) => (bytes += chunk.length));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            ms: elapsedMs(started),
            etag: response.headers.etag,
            bytes,
          }),
        );
      },
    );
    request.on('timeout', () => request.destroy(new Error('timeout')));
    request.on('error', () => resolve({ status: 0, ms: elapsedMs(started), etag: undefined, bytes: 0 }));
  });
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

/** `requests` GETs with `concurrency` in flight at any time. */
async function load(
  port: number,
  token: string,
  requests: number,
  concurrency: number,
  ifNoneMatch?: string,
) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const answers: Answer[] = [];
  let issued = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (issued < requests) {
        issued += 1;
        answers.push(await get(agent, port, token, ifNoneMatch));
      }
    }),
  );
  const seconds = elapsedMs(started) / 1000;
  agent.destroy();
  const expected = ifNoneMatch === undefined ? 200 : 304;
  const latencies = answers.map((a) => a.ms).sort((a, b) => a - b);
  const unexpected: Record<string, number> = {};
  for (const a of answers) {
    if (a.status !== expected) unexpected[String(a.status)] = (unexpected[String(a.status)] ?? 0) + 1;
  }
  return {
    requestsPerSecond: round(requests / seconds),
    bodyKb: round(Math.max(0, ...answers.filter((a) => a.status === expected).map((a) => a.bytes)) / 1024),
    p50Ms: round(percentile(latencies, 50)),
    p99Ms: round(percentile(latencies, 99)),
    [`non${expected}`]: Object.values(unexpected).reduce((sum, n) => sum + n, 0),
    [`non${expected}ByStatus`]: unexpected,
  };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/** Boots one build of covid-pool, loads it, stops it. */
async function measure(checkout: string, databaseUrl: string, requests: number, concurrency: number) {
  const port = await freePort();
  const token = `bench-job-token-${randomBytes(12).toString('hex')}`;
  const child = spawn(process.execPath, [path.join(checkout, 'dist/apps/covid-pool/main.js')], {
    cwd: checkout,
    env: {
      PATH: process.env['PATH'] ?? '',
      NODE_ENV: 'production',
      PORT: String(port),
      DATABASE_URL: databaseUrl,
      JOB_TOKEN: token,
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stderr?.on('data', (chunk: Buffer) => (log = (log + chunk.toString()).slice(-2000)));
  // The app's log (JSON lines, warn and above): how many lines of each severity, and how many bytes.
  const logLines: Record<string, number> = {};
  let logBytes = 0;
  let partial = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    logBytes += chunk.length;
    const lines = (partial + chunk.toString()).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      const severity = /"severity":"(\w+)"/.exec(line)?.[1] ?? 'OTHER';
      logLines[severity] = (logLines[severity] ?? 0) + 1;
    }
  });
  try {
    const started = process.hrtime.bigint();
    for (;;) {
      if (child.exitCode !== null) throw new Error(`covid-pool exited before answering: ${log}`);
      if (elapsedMs(started) > BOOT_DEADLINE_MS) throw new Error(`covid-pool did not start: ${log}`);
      const probe = await new Promise<number>((resolve) =>
        http
          .get({ host: '127.0.0.1', port, path: '/readyz' }, (r) => {
            r.resume();
            resolve(r.statusCode ?? 0);
          })
          .on('error', () => resolve(0)),
      );
      if (probe === 200) break;
      await sleep(100);
    }
    const pid = child.pid ?? 0;
    const before = await residentMb(pid);
    const full = await load(port, token, requests, concurrency);
    const afterFull = await residentMb(pid);
    const agent = new http.Agent({ keepAlive: false });
    const { etag } = await get(agent, port, token);
    agent.destroy();
    const conditional = await load(port, token, requests, concurrency, etag);
    const after = await residentMb(pid);
    return {
      full,
      conditional,
      rssBeforeMb: before.rss,
      rssAfterFullMb: afterFull.rss,
      rssAfterMb: after.rss,
      rssPeakMb: after.peak,
      logLines,
      logKb: round(logBytes / 1024),
    };
  } finally {
    await stop(child);
  }
}

async function main(): Promise<void> {
  const requests = intArgument('requests', 1000);
  const concurrency = intArgument('concurrency', 200);
  const baselineIndex = process.argv.indexOf('--baseline');
  const baseline = baselineIndex === -1 ? undefined : path.resolve(process.argv[baselineIndex + 1] ?? '');
  if (baseline !== undefined && !existsSync(path.join(baseline, 'dist/apps/covid-pool/main.js'))) {
    throw new Error(`--baseline ${baseline}: no dist/apps/covid-pool/main.js there (build it first)`);
  }
  const database = await createScratchDatabase();
  try {
    await seed(database.url);
    const result: Record<string, unknown> = {
      bench: 'export',
      colleges: COLLEGES,
      studentsPerCollege: STUDENTS_PER_COLLEGE,
      requests,
      concurrency,
    };
    if (baseline !== undefined)
      result['before'] = await measure(baseline, database.url, requests, concurrency);
    result['after'] = await measure(rootDir, database.url, requests, concurrency);
    printResult(result);
  } finally {
    await database.drop();
  }
}

await main();
