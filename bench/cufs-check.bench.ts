// `npm run bench -- cufs-check [--codes N] [--requests N] [--concurrency N] [--rate N] [--seconds N]`:
// cufs-api built and run as in production (dist/apps/cufs-api/main.js, its own process, a scratch
// database), against the CUFS simulator in this process with 80 ms on every CUFS call (BENCH_LATENCY_MS).
//
// 1. Uncached checks: `codes` different valid GL codes (no part shared, so each asks CUFS four
//    times), one at a time; each check's wall time against one CUFS round trip measured the same way
//    from this process (a keep-alive GET of one value). The goal is a ratio of at most 1.3: the four
//    reads go out at once. Also CUFS calls per check, from the simulator's call log.
// 2. Cached checks: the same codes again, with `concurrency` requests in flight (keep-alive) until
//    `requests` are done: throughput and latency; then an open load of `rate` requests/s for `seconds`
//    seconds: p50/p99 and what was achieved. CUFS calls during both should be 0.
// The load comes from this process, like bench/export.bench.ts; on a shared machine absolute figures
// are rough, the ratios are the ones to read.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CufsSimulator, type SimCufsSeed } from '../simulators/cufs/cufs.simulator.js';
import {
  createScratchDatabase,
  elapsedMs,
  freePort,
  intArgument,
  median,
  printResult,
  round,
  sleep,
} from './bench.util.js';

const LATENCY_MS = Number(process.env['BENCH_LATENCY_MS'] ?? 80);
const BOOT_DEADLINE_MS = 60_000;
const SUPPLIER = 'University Information Services';
const CLIENT = { clientId: 'bench-cufs-api', clientSecret: randomBytes(12).toString('hex') };
const rootDir = fileURLToPath(new URL('../..', import.meta.url));

/** `count` valid GL codes sharing no part, and the CUFS records behind them. */
function benchData(count: number): { codes: string[]; seed: SimCufsSeed } {
  const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
  const seed: SimCufsSeed = { values: [], projects: [], purchaseOrders: [] };
  const codes: string[] = [];
  const add = (set: SimCufsSeed['values'][number]['set'], value: string, parent: string | null = null) =>
    seed.values.push({
      set,
      value,
      description: `${set} ${value}`,
      enabled: true,
      startDate: null,
      endDate: null,
      parent,
    });
  for (let i = 0; i < count; i++) {
    const department = `${letters[Math.floor(i / 26) % 26] ?? 'Z'}${letters[i % 26] ?? 'Z'}`;
    const number = String(i).padStart(3, '0');
    add('department', department);
    add('cost-centre', `${department}LI`, department);
    add('source-of-funds', `A${number}`);
    add('transaction-code', `E${number}`);
    codes.push(`U.${department}.${department}LI.A${number}.E${number}.0000`);
  }
  return { codes, seed };
}

interface Answer {
  status: number;
  ms: number;
}

function request(
  agent: http.Agent,
  port: number,
  method: string,
  requestPath: string,
  headers: Record<string, string>,
  body?: string,
): Promise<Answer> {
  const started = process.hrtime.bigint();
  return new Promise((resolve) => {
    const call = http.request(
      { host: '127.0.0.1', port, method, path: requestPath, agent, headers, timeout: 30_000 },
      (response) => {
        response.resume();
        response.on('end', () => resolve({ status: response.statusCode ?? 0, ms: elapsedMs(started) }));
      },
    );
    call.on('timeout', () => call.destroy(new Error('timeout')));
    call.on('error', () => resolve({ status: 0, ms: elapsedMs(started) }));
    call.end(body);
  });
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

function latencies(answers: readonly Answer[]) {
  const sorted = answers.map((a) => a.ms).sort((a, b) => a - b);
  const non200 = answers.filter((a) => a.status !== 200).length;
  return {
    p50Ms: round(percentile(sorted, 50)),
    p99Ms: round(percentile(sorted, 99)),
    maxMs: round(sorted.at(-1) ?? Number.NaN),
    non200,
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

async function startApp(
  databaseUrl: string,
  cufsUrl: string,
  token: string,
): Promise<{ child: ChildProcess; port: number }> {
  const port = await freePort();
  const child = spawn(process.execPath, [path.join(rootDir, 'dist/apps/cufs-api/main.js')], {
    cwd: rootDir,
    env: {
      PATH: process.env['PATH'] ?? '',
      NODE_ENV: 'production',
      PORT: String(port),
      DATABASE_URL: databaseUrl,
      JOB_TOKEN: token,
      CUFS_URL: cufsUrl,
      CUFS_AUTH: 'oauth2',
      CUFS_CLIENT_ID: CLIENT.clientId,
      CUFS_CLIENT_SECRET: CLIENT.clientSecret,
      FINANCE_PO_SUPPLIER: SUPPLIER,
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  child.stderr?.on('data', (chunk: Buffer) => (log = (log + chunk.toString()).slice(-2000)));
  const started = process.hrtime.bigint();
  const agent = new http.Agent({ keepAlive: false });
  for (;;) {
    if (child.exitCode !== null) throw new Error(`cufs-api exited before answering: ${log}`);
    if (elapsedMs(started) > BOOT_DEADLINE_MS) throw new Error(`cufs-api did not start: ${log}`);
    if ((await request(agent, port, 'GET', '/healthz', {})).status === 200) break;
    await sleep(100);
  }
  return { child, port };
}

async function main(): Promise<void> {
  const codeCount = intArgument('codes', 30);
  const requests = intArgument('requests', 4000);
  const concurrency = intArgument('concurrency', 32);
  const rate = intArgument('rate', 300);
  const seconds = intArgument('seconds', 5);
  const { codes, seed } = benchData(codeCount + 1);
  const warmUp = codes.pop() ?? '';
  const cufs = new CufsSimulator({ oauth2: CLIENT });
  cufs.seed(seed);
  await cufs.start();
  cufs.control.latencyMs = LATENCY_MS;
  const database = await createScratchDatabase();
  const token = `bench-caller-${randomBytes(12).toString('hex')}`;
  const { child, port } = await startApp(database.url, cufs.url, token);
  const agent = new http.Agent({ keepAlive: true, maxSockets: Math.max(concurrency, 64) });
  const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
  const check = (code: string) =>
    request(agent, port, 'POST', '/finance-codes/check', headers, JSON.stringify({ code }));
  const reads = () => cufs.control.callCount({ path: '/api/v1' });
  try {
    // The first check also fetches the OAuth2 token and opens connections: not measured.
    if ((await check(warmUp)).status !== 200) throw new Error('the warm-up check failed');

    // 1. One CUFS round trip from here, then uncached checks, one at a time.
    const cufsPort = cufs.port;
    const cufsAgent = new http.Agent({ keepAlive: true });
    const bearer = await fetch(cufs.tokenUrl, {
      method: 'POST',
      headers: {
        Authorization: `Basic ${Buffer.from(`${CLIENT.clientId}:${CLIENT.clientSecret}`).toString('base64')}`,
        'Content-Type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=client_credentials',
    }).then(async (response) => ((await response.json()) as { access_token: string }).access_token);
    const roundTrips: number[] = [];
    for (const code of codes) {
      const department = code.split('.')[1] ?? '';
      const answer = await request(
        cufsAgent,
        cufsPort,
        'GET',
        `/api/v1/value-sets/department/values/${department}`,
        {
          Authorization: `Bearer ${bearer}`,
        },
      );
      roundTrips.push(answer.ms);
    }
    cufsAgent.destroy();
    const readsBefore = reads();
    const uncached: Answer[] = [];
    for (const code of codes) uncached.push(await check(code));
    const uncachedReads = reads() - readsBefore;

    // 2. Cached: closed load, then an open load at a fixed rate.
    const cachedReadsBefore = reads();
    const closed: Answer[] = [];
    let issued = 0;
    const closedStarted = process.hrtime.bigint();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (issued < requests) {
          const code = codes[issued % codes.length] ?? '';
          issued += 1;
          closed.push(await check(code));
        }
      }),
    );
    const closedSeconds = elapsedMs(closedStarted) / 1000;
    const open: Promise<Answer>[] = [];
    const total = rate * seconds;
    const openStarted = process.hrtime.bigint();
    for (let i = 0; i < total; i++) {
      // Each request at its planned time (not after the previous answer): latency under a steady rate.
      const due = (i * 1000) / rate - elapsedMs(openStarted);
      if (due > 1) await sleep(due);
      open.push(check(codes[i % codes.length] ?? ''));
    }
    const openAnswers = await Promise.all(open);
    const openSeconds = elapsedMs(openStarted) / 1000;
    const cachedReads = reads() - cachedReadsBefore;

    const roundTripMs = median(roundTrips);
    const uncachedMs = median(uncached.map((a) => a.ms));
    printResult({
      bench: 'cufs-check',
      cufsLatencyMs: LATENCY_MS,
      uncached: {
        checks: codes.length,
        cufsRoundTripMedianMs: round(roundTripMs),
        checkMedianMs: round(uncachedMs),
        checkP99Ms: latencies(uncached).p99Ms,
        ratioToOneRoundTrip: round(uncachedMs / roundTripMs, 2),
        goalRatio: 1.3,
        cufsCallsPerCheck: round(uncachedReads / codes.length, 2),
        non200: latencies(uncached).non200,
      },
      cachedClosed: {
        requests,
        concurrency,
        requestsPerSecond: round(requests / closedSeconds),
        ...latencies(closed),
      },
      cachedOpen: {
        targetPerSecond: rate,
        seconds,
        achievedPerSecond: round(total / openSeconds),
        ...latencies(openAnswers),
      },
      cufsCallsWhileCached: cachedReads,
    });
  } finally {
    agent.destroy();
    await stop(child);
    await cufs.close();
    await database.drop();
  }
}

await main();
