// `npm run bench -- essm-sync`: the essm-sync app, built and run as in production
// (dist/apps/essm-sync/main.js, its own process, a fresh migrated database), against the TermTime and
// Booker simulators in this process with 50 ms injected on every API call. One term: 6,000
// activities, 48,000 events across 400 rooms (generated, without the quirks, so every event books),
// Booker writes at EVENTS_APPLY_CONCURRENCY=8.
// Measures sync-events runs (first, no change, 2% of events changed) and the same reads alone
// through the app's own clients, in a process of their own started as the app is (with its memory
// settings; bench/essm-sync-reads.ts), warmed up once as the app is by its first run. The no-change
// run and the reads alone are each timed ROUNDS times (5), in turn (a round of each, their order
// rotating), as a loaded machine spreads single figures widely and drifts: each time is listed
// and their medians compared. Reports calls against the minimum
// the data needs (reads + one write per change), the no-change run's wall time against the reads
// alone (with each run's own read time, `readMsEach`: the run's read, from its summary, plan and
// writes excluded), and the app's peak resident memory (VmHWM). Prints one JSON line.
// The app starts as production starts it: with the memory settings Terraform gives essm-sync
// (NODE_OPTIONS: the heap flags; MALLOC_ARENA_MAX), read from terraform/modules/platform/main.tf
// (the bench fails if it cannot find them).
// Options: BENCH_ACTIVITIES (6000), BENCH_ROOMS (400), BENCH_WEEKS (8), BENCH_LATENCY_MS (50),
// BENCH_APP_NODE_OPTIONS (instead of production's NODE_OPTIONS, to try other heap flags; set it
// empty for Node's default sizing, which follows the machine's memory, not a container's),
// BENCH_APP_NODE_ARGS (extra arguments to the app's node, space-separated, e.g.
// `--cpu-prof --cpu-prof-dir=/tmp/prof`: profiles are written when the app stops; the JSON line then
// also gives each no-change run's window on the monotonic clock (`monotonicUs`, the clock of a CPU
// profile's timestamps) so the profile can be cut to those runs), BENCH_FIRST_RUN_LATENCY_MS (the
// latency of the first run only, default BENCH_LATENCY_MS: lower it to get to the no-change runs
// sooner when looking for costs; the figures are then not comparable, the no-change runs' included:
// after a first run of 0 ms they were seen ~15% faster than after one of 50 ms), BENCH_ROUNDS (5),
// BENCH_COMPARE_BUILDS (copies of dist/ in the repository root, comma-separated, e.g.
// `dist-before`: an app from each is started after the first run, on the same database and
// simulators, warmed up by one untimed no-change run (as the first app then is too), and its no-change runs are timed in turn with
// the others (each round runs every app and the reads alone once, in an order that rotates): builds
// compared on equal terms, as a change of the machine's speed falls on all alike. The JSON line
// then also has `compareRuns`).
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { adminQuery, migrate, startEmbeddedDatabase, withDatabaseName } from '@app/db';
import { BookerSimulator } from '../simulators/booker/booker.simulator.js';
import { generateTerm } from '../simulators/termtime/generate-term.js';
import { TermTimeSimulator, TERMTIME_API_PATH } from '../simulators/termtime/termtime.simulator.js';
import { freePort } from './bench.util.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const ACTIVITIES = Number(process.env['BENCH_ACTIVITIES'] ?? 6000);
const ROOMS = Number(process.env['BENCH_ROOMS'] ?? 400);
const WEEKS = Number(process.env['BENCH_WEEKS'] ?? 8);
const LATENCY_MS = Number(process.env['BENCH_LATENCY_MS'] ?? 50);
const FIRST_RUN_LATENCY_MS = Number(process.env['BENCH_FIRST_RUN_LATENCY_MS'] ?? LATENCY_MS);
const APP_NODE_ARGS = (process.env['BENCH_APP_NODE_ARGS'] ?? '').split(' ').filter((arg) => arg !== '');
const CONCURRENCY = 8;
const PAGE_SIZE = 500;
const WINDOW = { start: '2025-10-01', end: '2025-12-31' };
const JOB_TOKEN = `bench-job-${randomBytes(12).toString('hex')}`;
const TERMTIME_KEY = 'BenchTermTimeKey0001';
const BOOKER = { username: 'essm-bench', password: randomBytes(12).toString('hex') };
const ADMIN_URL =
  process.env['BENCH_DATABASE_URL'] ??
  process.env['TEST_DATABASE_URL'] ??
  'postgresql://postgres@127.0.0.1:5432/postgres';

/** Timed no-change runs, and timed rounds of the reads alone (after one to warm up). */
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 5);
if (!Number.isInteger(ROUNDS) || ROUNDS < 1) throw new Error('BENCH_ROUNDS: a whole number, at least 1');
const COMPARE_BUILDS = (process.env['BENCH_COMPARE_BUILDS'] ?? '').split(',').filter((b) => b !== '');
const BOOKINGS_READ = { start: '2025-09-30', end: '2026-01-01' };

/** essm-sync's memory settings in production: its `NAME = "..."` lines in the platform's Terraform. */
async function productionMemoryEnv(): Promise<{ NODE_OPTIONS: string; MALLOC_ARENA_MAX: string }> {
  const file = path.join(root, 'terraform/modules/platform/main.tf');
  const text = await readFile(file, 'utf8');
  const block = /"essm-sync" = \{([^}]*)\}/.exec(text)?.[1] ?? '';
  const valueOf = (name: string): string => {
    const value = new RegExp(`^\\s*${name}\\s*=\\s*"([^"]*)"`, 'm').exec(block)?.[1];
    if (value === undefined) throw new Error(`no ${name} for essm-sync in ${path.relative(root, file)}`);
    return value;
  };
  return { NODE_OPTIONS: valueOf('NODE_OPTIONS'), MALLOC_ARENA_MAX: valueOf('MALLOC_ARENA_MAX') };
}

async function freshDatabase(): Promise<{ url: string; kind: string; drop(): Promise<void> }> {
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
    drop: () => adminQuery(ADMIN_URL, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).then(() => undefined),
  };
}

async function startApp(
  env: Record<string, string>,
  build = 'dist',
): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [...APP_NODE_ARGS, path.join(root, build, 'apps/essm-sync/main.js')],
    {
      cwd: root,
      env: { ...process.env, ...env, PORT: String(port) },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
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

/** Peak resident memory of a process (Linux VmHWM), in MB. */
async function peakRssMb(pid: number | undefined): Promise<number | null> {
  if (pid === undefined) return null;
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const kb = /VmHWM:\s+(\d+) kB/.exec(status)?.[1];
  return kb === undefined ? null : Math.round(Number(kb) / 1024);
}

interface RunSummary {
  status: string;
  error: string | null;
  summary: {
    plan: { desired: number; creates: number; updates: number; cancellations: number; recreates: number };
    read: { readMs: number };
    applied?: { created: number; updated: number; cancelled: number; failed: number };
  };
}

/** POST with the job token and no client-side time limit (fetch gives up on headers after 300 s). */
function post(url: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      url,
      { method: 'POST', headers: { Authorization: `Bearer ${JOB_TOKEN}` } },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => {
          try {
            resolve(JSON.parse(text));
          } catch (error) {
            reject(new Error(`HTTP ${response.statusCode}: not JSON (${String(error)})`));
          }
        });
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end();
  });
}

/** Each timed no-change run's window on the monotonic clock, in µs (a CPU profile's clock). */
const runWindows: [number, number][] = [];

/** A sync-events run; its window on the monotonic clock is added to `windows` if given. */
async function timedRun(
  appUrl: string,
  termtime: TermTimeSimulator,
  booker: BookerSimulator,
  windows?: [number, number][],
) {
  termtime.control.calls = [];
  booker.control.calls = [];
  const startedUs = process.hrtime.bigint() / 1000n;
  const started = performance.now();
  const body = (await post(`${appUrl}/jobs/sync-events`)) as RunSummary;
  const wallMs = Math.round(performance.now() - started);
  windows?.push([Number(startedUs), Number(process.hrtime.bigint() / 1000n)]);
  if (body.status !== 'succeeded') throw new Error(`the sync-events run ${body.status}: ${body.error ?? ''}`);
  const { plan, applied } = body.summary;
  const calls = {
    termtime: termtime.control.calls.length,
    booker: booker.control.calls.length,
    bookerWrites: booker.control.calls.filter((c) => c.method !== 'GET' && c.path !== '/api/auth').length,
  };
  return {
    wallMs,
    readMs: body.summary.read.readMs,
    changes: plan.creates + plan.updates + plan.cancellations + plan.recreates,
    plan: { creates: plan.creates, updates: plan.updates, cancellations: plan.cancellations },
    failed: applied?.failed ?? 0,
    calls: { ...calls, total: calls.termtime + calls.booker },
  };
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};

/** The reads alone's rounds (bench/essm-sync-reads.ts), one at a time, between the app's runs. */
interface ReadsAlone {
  /** The next round: its wall time, and the calls it made (counted here, from the simulators). */
  round(): Promise<{ ms: number; calls: number }>;
  /** Lets the process end after its last round. */
  finish(): Promise<void>;
}

/**
 * The reads alone (bench/essm-sync-reads.ts) in their own process, with the app's memory settings,
 * started now: its first round (the warm-up) runs at once, each later one when `round()` asks.
 */
function startReadsAlone(
  env: Record<string, string>,
  rounds: number,
  termtime: TermTimeSimulator,
  booker: BookerSimulator,
): ReadsAlone {
  const child = spawn(process.execPath, [path.join(root, 'dist/bench/essm-sync-reads.js')], {
    cwd: root,
    env: { ...process.env, ...env, READS_ROUNDS: String(rounds) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let done = 0;
  const exited = new Promise<void>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 && done === rounds + 1
        ? resolve()
        : reject(new Error(`the reads alone exited with ${code} after ${done} round(s)`)),
    );
  });
  exited.catch(() => undefined); // (seen by the round waiting, or by finish)
  /** The next round's message (rounds run one at a time), or the process's end before it. */
  const nextRound = (): Promise<{ ms: number; calls: number }> =>
    Promise.race([
      once(child, 'message').then(([message]) => {
        done += 1;
        return {
          ms: (message as { ms: number }).ms,
          calls: termtime.control.calls.length + booker.control.calls.length,
        };
      }),
      exited.then(() => Promise.reject(new Error('the reads alone ended before its next round'))),
    ]);
  termtime.control.calls = [];
  booker.control.calls = [];
  // The first round (the warm-up) runs at once; each later one when round() asks for it.
  let pending: Promise<{ ms: number; calls: number }> | undefined = nextRound();
  return {
    round() {
      if (pending !== undefined) {
        const first = pending;
        pending = undefined;
        return first;
      }
      // Its calls counted from now.
      termtime.control.calls = [];
      booker.control.calls = [];
      const round = nextRound();
      child.send('next');
      return round;
    },
    finish() {
      child.send('next');
      return exited;
    },
  };
}

async function main(): Promise<void> {
  const production = await productionMemoryEnv();
  const memoryEnv = {
    ...production,
    NODE_OPTIONS: process.env['BENCH_APP_NODE_OPTIONS'] ?? production.NODE_OPTIONS,
  };
  const term = generateTerm({
    seed: 20_261_126,
    activities: ACTIVITIES,
    rooms: ROOMS,
    weeks: WEEKS,
    quirks: false,
  });
  const termtime = new TermTimeSimulator({ apiKey: TERMTIME_KEY });
  const booker = new BookerSimulator({ username: BOOKER.username, password: BOOKER.password });
  termtime.seed(term.termtime);
  booker.seed(term.booker);
  await termtime.start();
  await booker.start();
  termtime.control.latencyMs = FIRST_RUN_LATENCY_MS;
  booker.control.latencyMs = FIRST_RUN_LATENCY_MS;
  const termtimeUrl = `${termtime.url}${TERMTIME_API_PATH}`;
  const db = await freshDatabase();
  let child: ChildProcess | undefined;
  const compareChildren: ChildProcess[] = [];
  try {
    const appEnv = {
      ...memoryEnv,
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      DATABASE_URL: db.url,
      JOB_AUTH_MODE: 'token',
      JOB_TOKEN,
      TERMTIME_URL: termtimeUrl,
      TERMTIME_API_KEY: TERMTIME_KEY,
      TERMTIME_CAMPUS: 'MAIN',
      TERMTIME_DEFAULT_DEPARTMENT: 'UNIV',
      TERMTIME_CAPACITY_TYPE: 'LEC',
      BOOKER_URL: booker.url,
      BOOKER_USERNAME: BOOKER.username,
      BOOKER_PASSWORD: BOOKER.password,
      BOOKER_PAGE_SIZE: String(PAGE_SIZE),
      EVENTS_WINDOW_START: WINDOW.start,
      EVENTS_WINDOW_END: WINDOW.end,
      EVENTS_BOOKING_TYPES: '*=TEACH',
      EVENTS_MAX_CHANGE_RATIO: '1',
      EVENTS_APPLY_CONCURRENCY: String(CONCURRENCY),
      OPS_EMAIL: 'essm-ops@bench.invalid',
      JOBS_FORCE_DRY_RUN: 'false',
    };
    const app = await startApp(appEnv);
    child = app.child;
    const peakAfterBootMb = await peakRssMb(child.pid);

    const first = await timedRun(app.url, termtime, booker);
    termtime.control.latencyMs = LATENCY_MS;
    booker.control.latencyMs = LATENCY_MS;
    const peakAfterFirstMb = await peakRssMb(child.pid);
    // The reads alone, through the app's own clients (one sign-in, rooms, every page of bookings,
    // activities), as a run does them, with nothing planned or written; in turn with the no-change
    // runs (one of each per round, their order rotating), so that both see the machine as it is
    // then: measured one after the other, a slower spell (the database's autovacuum after the first
    // run's 48,000 inserts, say) fell on one side only.
    const reads = startReadsAlone(
      {
        ...memoryEnv,
        BOOKER_URL: booker.url,
        BOOKER_USERNAME: BOOKER.username,
        BOOKER_PASSWORD: BOOKER.password,
        BOOKER_PAGE_SIZE: String(PAGE_SIZE),
        TERMTIME_URL: termtimeUrl,
        TERMTIME_API_KEY: TERMTIME_KEY,
        READS_BOOKINGS_START: BOOKINGS_READ.start,
        READS_BOOKINGS_END: BOOKINGS_READ.end,
      },
      ROUNDS,
      termtime,
      booker,
    );
    const readsWarmUp = await reads.round();
    const compares: { build: string; url: string; child: ChildProcess }[] = [];
    // Compared on equal terms: every app's first timed run follows an untimed no-change run.
    if (COMPARE_BUILDS.length > 0) await timedRun(app.url, termtime, booker);
    for (const build of COMPARE_BUILDS) {
      const started = await startApp(appEnv, build);
      compareChildren.push(started.child);
      compares.push({ build, ...started });
      await timedRun(started.url, termtime, booker); // its warm-up, untimed
    }
    const noChangeRuns: Awaited<ReturnType<typeof timedRun>>[] = [];
    const compareRuns = compares.map(() => [] as Awaited<ReturnType<typeof timedRun>>[]);
    const readRounds: { ms: number; calls: number }[] = [];
    const steps: (() => Promise<void>)[] = [
      async () => void noChangeRuns.push(await timedRun(app.url, termtime, booker, runWindows)),
      async () => void readRounds.push(await reads.round()),
      ...compares.map(
        (compare, k) => async () => void compareRuns[k].push(await timedRun(compare.url, termtime, booker)),
      ),
    ];
    // Each round runs every step once, in an order that rotates from round to round.
    for (let i = 0; i < ROUNDS; i++)
      for (let j = 0; j < steps.length; j++) await steps[(i + j) % steps.length]();
    await reads.finish();
    const noChange = noChangeRuns[0];
    const noChangeMs = median(noChangeRuns.map((run) => run.wallMs));
    const readsMs = median(readRounds.map((round) => round.ms));
    const peakAfterNoChangeMb = await peakRssMb(child.pid);
    // 2% of the events change: every event of 2% of the activities (a bigger class: new attendees).
    const changedActivities = term.termtime.activities.filter((_, i) => i % 50 === 0);
    for (const activity of changedActivities)
      termtime.updateActivity(activity.code, (a) => ({ ...a, size: a.size + 1 }));
    const changedEvents = changedActivities.reduce((sum, a) => sum + a.events.length, 0);
    const twoPercent = await timedRun(app.url, termtime, booker);
    const peakMb = await peakRssMb(child.pid);

    const ratio = (a: number, b: number) => Math.round((a / b) * 1000) / 1000;
    // Minimum reads: activities (1), rooms (1), bookings pages (at least 1), and one sign-in to
    // Booker per token (the first run of a fresh process; the token outlives the others).
    const pagesFor = (bookings: number) => Math.max(1, Math.ceil(bookings / PAGE_SIZE));
    const minimumReads = (bookings: number, signIn: boolean) => 2 + pagesFor(bookings) + (signIn ? 1 : 0);
    const events = term.stats.events;
    const line = {
      bench: 'essm-sync',
      database: db.kind,
      latencyMsPerCall: LATENCY_MS,
      ...(FIRST_RUN_LATENCY_MS === LATENCY_MS ? {} : { firstRunLatencyMs: FIRST_RUN_LATENCY_MS }),
      ...(APP_NODE_ARGS.length > 0 ? { appNodeArgs: APP_NODE_ARGS } : {}),
      applyConcurrency: CONCURRENCY,
      data: { activities: term.stats.activities, events, rooms: term.stats.rooms, changedEvents },
      firstRun: {
        ...first,
        minimumCalls: minimumReads(0, true) + first.changes,
        callsVsMinimum: ratio(first.calls.total, minimumReads(0, true) + first.changes),
      },
      noChangeRun: {
        ...noChange,
        wallMs: noChangeMs,
        readMs: median(noChangeRuns.map((run) => run.readMs)),
        wallMsEach: noChangeRuns.map((run) => run.wallMs),
        readMsEach: noChangeRuns.map((run) => run.readMs),
        ...(APP_NODE_ARGS.length > 0 ? { monotonicUs: runWindows } : {}),
        callsEach: noChangeRuns.map((run) => run.calls.total),
        minimumCalls: minimumReads(events, false),
        callsVsMinimum: ratio(noChange.calls.total, minimumReads(events, false)),
      },
      twoPercentRun: {
        ...twoPercent,
        minimumCalls: minimumReads(events, false) + changedEvents,
        callsVsMinimum: ratio(twoPercent.calls.total, minimumReads(events, false) + changedEvents),
      },
      ...(compares.length === 0
        ? {}
        : {
            compareRuns: await Promise.all(
              compares.map(async (compare, k) => {
                const runs = compareRuns[k];
                return {
                  build: compare.build,
                  wallMs: median(runs.map((run) => run.wallMs)),
                  wallMsEach: runs.map((run) => run.wallMs),
                  readMs: median(runs.map((run) => run.readMs)),
                  readMsEach: runs.map((run) => run.readMs),
                  callsEach: runs.map((run) => run.calls.total),
                  vsReadsAlone: ratio(median(runs.map((run) => run.wallMs)), readsMs),
                  peakRssMb: await peakRssMb(compare.child.pid),
                };
              }),
            ),
          }),
      readsAlone: {
        wallMs: readsMs,
        wallMsEach: readRounds.map((round) => round.ms),
        warmUpMs: readsWarmUp.ms,
        calls: readRounds[0].calls,
        callsEach: [readsWarmUp.calls, ...readRounds.map((round) => round.calls)],
      },
      ratios: {
        noChangeRunVsReadsAlone: ratio(noChangeMs, readsMs),
        twoPercentRunVsReadsAlone: ratio(twoPercent.wallMs, readsMs),
      },
      appMemoryEnv: memoryEnv,
      appNodeOptionsFrom:
        process.env['BENCH_APP_NODE_OPTIONS'] === undefined ? 'terraform' : 'BENCH_APP_NODE_OPTIONS',
      appPeakRssMb: {
        afterBoot: peakAfterBootMb,
        afterFirstRun: peakAfterFirstMb,
        afterNoChangeRun: peakAfterNoChangeMb,
        atEnd: peakMb,
      },
    };
    process.stdout.write(`${JSON.stringify(line)}\n`);
  } finally {
    if (child !== undefined) await stopApp(child);
    for (const compareChild of compareChildren) await stopApp(compareChild);
    await termtime.close();
    await booker.close();
    await db.drop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `essm-sync bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
