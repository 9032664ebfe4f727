// `npm run bench -- boot [--runs N]`: for each built app (dist/apps/<app>/main.js), the time from process
// start to the first 200 from /healthz and the resident memory after boot, against a real, migrated
// database (so no embedded database start is measured). A bare `node -e` HTTP server is timed the same
// way in the same run, so the app's figure reads as a ratio that holds on a noisy machine.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import {
  createScratchDatabase,
  elapsedMs,
  freePort,
  intArgument,
  printResult,
  round,
  sleep,
  summary,
} from './bench.util.js';

const POLL_INTERVAL_MS = 10;
const BOOT_DEADLINE_MS = 30_000;
const IDLE_MS = 1000;
const EXIT_DEADLINE_MS = 10_000;
/** As the Dockerfile starts an app. */
const NODE_ARGS = ['--enable-source-maps'];
const BARE = '(bare node)';
const BARE_SERVER = `require('node:http').createServer((q, s) => s.end('ok')).listen(Number(process.env.PORT), '127.0.0.1')`;

interface Target {
  name: string;
  args: string[];
  env: Record<string, string>;
}

interface BootSample {
  ms: number;
  rssMb: number;
  rssAfterIdleMb: number;
  cleanExit: boolean;
}

/** The repository root: apps start from there, as `node dist/apps/<app>/main.js`. */
const rootDir = fileURLToPath(new URL('../..', import.meta.url));

function builtApps(): string[] {
  const appsDir = new URL('../apps/', import.meta.url);
  if (!existsSync(appsDir)) return [];
  return readdirSync(appsDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(new URL(`${entry.name}/main.js`, appsDir)))
    .map((entry) => entry.name)
    .sort();
}

/** Settings an app needs beyond the common ones; URLs point at ports nobody listens on (boot must not call them). */
async function appSettings(app: string): Promise<Record<string, string>> {
  switch (app) {
    case 'lookup-gitlab-sync':
      return {
        GITLAB_URL: `http://127.0.0.1:${await freePort()}`,
        GITLAB_TOKEN: `bench-gitlab-${randomBytes(8).toString('hex')}`,
        LOOKUP_URL: `http://127.0.0.1:${await freePort()}/api/v1`,
        LOOKUP_AUTH: 'basic',
        LOOKUP_USERNAME: 'bench',
        LOOKUP_PASSWORD: randomBytes(8).toString('hex'),
        OPS_EMAIL: 'ops@example.ac.uk',
      };
    default:
      return {};
  }
}

function probe(port: number): Promise<number | null> {
  return new Promise((resolve) => {
    const request = http.get(
      { host: '127.0.0.1', port, path: '/healthz', agent: false, timeout: 1000 },
      (response) => {
        response.resume();
        resolve(response.statusCode ?? null);
      },
    );
    request.on('timeout', () => request.destroy());
    request.on('error', () => resolve(null));
  });
}

async function residentMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1] ?? Number.NaN);
  return kb / 1024;
}

function waitForExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/** SIGTERM, then wait for the exit; SIGKILL only when it does not come. Returns whether it exited by itself. */
async function stop(child: ChildProcess): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return false;
  child.kill('SIGTERM');
  if (await waitForExit(child, EXIT_DEADLINE_MS)) return true;
  child.kill('SIGKILL');
  await waitForExit(child, EXIT_DEADLINE_MS);
  return false;
}

async function bootOnce(target: Target): Promise<BootSample> {
  const port = await freePort();
  const env = { PATH: process.env['PATH'] ?? '', ...target.env, PORT: String(port) };
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, target.args, {
    cwd: rootDir,
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-2000);
  });
  try {
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(
          `${target.name} exited (${child.exitCode ?? child.signalCode}) before /healthz: ${stderr}`,
        );
      }
      if (elapsedMs(started) > BOOT_DEADLINE_MS) {
        throw new Error(`${target.name}: no 200 from /healthz within ${BOOT_DEADLINE_MS} ms: ${stderr}`);
      }
      if ((await probe(port)) === 200) break;
      await sleep(POLL_INTERVAL_MS);
    }
    const ms = elapsedMs(started);
    const pid = child.pid ?? 0;
    const rssMb = await residentMb(pid);
    await sleep(IDLE_MS);
    const rssAfterIdleMb = await residentMb(pid);
    return { ms, rssMb, rssAfterIdleMb, cleanExit: await stop(child) };
  } catch (error) {
    await stop(child);
    throw error;
  }
}

async function main(): Promise<void> {
  const runs = intArgument('runs', 7);
  const apps = builtApps();
  const database = await createScratchDatabase();
  try {
    const common = {
      NODE_ENV: 'production',
      DATABASE_URL: database.url,
      JOB_TOKEN: `bench-job-token-${randomBytes(12).toString('hex')}`,
      LOG_LEVEL: 'silent',
    };
    const targets: Target[] = [{ name: BARE, args: ['-e', BARE_SERVER], env: {} }];
    for (const app of apps) {
      targets.push({
        name: app,
        args: [...NODE_ARGS, `dist/apps/${app}/main.js`],
        env: { ...common, ...(await appSettings(app)) },
      });
    }
    const samples = new Map<string, BootSample[]>(targets.map((t) => [t.name, []]));
    const failures = new Map<string, string>();
    // One unmeasured warm-up start each (file cache), then the targets in turn, so that a slow spell
    // of the machine affects every target alike.
    for (let run = 0; run <= runs; run++) {
      for (const target of targets) {
        if (failures.has(target.name)) continue;
        try {
          const sample = await bootOnce(target);
          if (run > 0) samples.get(target.name)?.push(sample);
        } catch (error) {
          failures.set(target.name, error instanceof Error ? error.message : String(error));
        }
      }
    }

    const figures = (name: string) => {
      const list = samples.get(name) ?? [];
      const ms = summary(list.map((s) => s.ms));
      return {
        medianMs: round(ms.median),
        minMs: round(ms.min),
        maxMs: round(ms.max),
        rssMb: round(summary(list.map((s) => s.rssMb)).median),
        rssAfterIdleMb: round(summary(list.map((s) => s.rssAfterIdleMb)).median),
        runs: list.length,
        cleanExits: list.filter((s) => s.cleanExit).length,
      };
    };
    const bare = figures(BARE);
    const result: Record<string, unknown> = {
      bench: 'boot',
      node: process.version,
      nodeArgs: NODE_ARGS,
      pollIntervalMs: POLL_INTERVAL_MS,
      apps: Object.fromEntries(
        apps.map((app) => [app, failures.has(app) ? { error: failures.get(app) } : figures(app)]),
      ),
      bareNodeMedianMs: bare.medianMs,
      bareNodeRssMb: bare.rssMb,
      ratios: Object.fromEntries(
        apps
          .filter((app) => !failures.has(app))
          .map((app) => [app, round(figures(app).medianMs / bare.medianMs, 2)]),
      ),
    };
    if (failures.has(BARE)) result['bareNodeError'] = failures.get(BARE);
    printResult(result);
  } finally {
    await database.drop();
  }
}

await main();
