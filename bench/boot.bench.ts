// `npm run bench -- boot [--runs N] [--only <app>] [--builds dist,dist-<name>]`: for each app of
// apps/manifest.json that is built (dist/apps/<app>/main.js), the time from process start to the first 200 from /healthz and the resident
// memory after boot, against a real, migrated database (so no embedded database start is measured), with
// the settings `npm start` gives it (manifest localEnv; simulator URLs point at ports nobody listens on:
// boot must not call them). A bare NestJS app (bench/bare-nest: one controller, the same build, swc
// then the esbuild bundle of scripts/bundle.mjs, the same node flags) is started the same way in the
// same run, and each app's median boot time and memory are reported as ratios to it, which hold on a
// noisy machine better than the raw figures.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import {
  createScratchDatabase,
  elapsedMs,
  freePort,
  intArgument,
  stringArgument,
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
/** BENCH_NODE_ARGS: more node flags for every start, bare app included (e.g. `--cpu-prof --cpu-prof-dir=/tmp/p`). */
const EXTRA_NODE_ARGS = (process.env['BENCH_NODE_ARGS'] ?? '').split(' ').filter(Boolean);
const BARE = 'bare-nest';
const BARE_MAIN = 'dist/bench/bare-nest/main.js';
/** The goal: an app boots within this factor of the bare Nest app's time and memory. */
const GOAL_RATIO = 1.3;

interface Target {
  name: string;
  args: string[];
  env: Record<string, string>;
}

interface BootSample {
  ms: number;
  /** CPU time (user + system) the process had used when /healthz first answered 200. */
  cpuMs: number;
  rssMb: number;
  rssAfterIdleMb: number;
  cleanExit: boolean;
}

/** The repository root: apps start from there, as `node dist/apps/<app>/main.js`. */
const rootDir = fileURLToPath(new URL('../..', import.meta.url)).replace(/\/$/, '');

/** The part of apps/manifest.json (checked by scripts/manifest.mjs) this benchmark reads. */
interface ManifestModule {
  loadManifest(): {
    apps: { name: string; localEnv?: Record<string, string>; simulators: string[] }[];
    simulators: Record<string, { path?: string }>;
  };
  fillEnv(
    env: Record<string, string> | undefined,
    context: {
      root: string;
      secrets: Record<string, string>;
      simulatorUrls: Record<string, string>;
      appUrls: Record<string, string>;
      self: string;
    },
    where: string,
  ): Record<string, string>;
}

async function manifestModule(): Promise<ManifestModule> {
  return (await import(new URL('../../scripts/manifest.mjs', import.meta.url).href)) as ManifestModule;
}

/** Any `{secret.<name>}` the manifest asks for: a fresh random value. */
const randomSecrets = new Proxy(
  {},
  {
    get: (_target, name) =>
      typeof name === 'string' ? `bench-${name}-${randomBytes(8).toString('hex')}` : undefined,
  },
);

/** Each built app of the manifest with the settings `npm start` gives it. */
async function appTargets(common: Record<string, string>): Promise<Target[]> {
  const { loadManifest, fillEnv } = await manifestModule();
  const manifest = loadManifest();
  const targets: Target[] = [];
  for (const app of manifest.apps) {
    const main = `dist/apps/${app.name}/main.js`;
    if (!existsSync(new URL(`../../${main}`, import.meta.url))) continue;
    const simulatorUrls: Record<string, string> = {};
    for (const name of app.simulators) {
      simulatorUrls[name] = `http://127.0.0.1:${await freePort()}${manifest.simulators[name]?.path ?? ''}`;
    }
    // Other apps are not started: boot must not call them either.
    const appUrls: Record<string, string> = {};
    for (const other of manifest.apps) appUrls[other.name] = `http://127.0.0.1:${await freePort()}`;
    const local = fillEnv(
      app.localEnv,
      { root: rootDir, secrets: randomSecrets, simulatorUrls, appUrls, self: appUrls[app.name] ?? '' },
      app.name,
    );
    targets.push({
      name: app.name,
      args: [...NODE_ARGS, ...EXTRA_NODE_ARGS, main],
      env: { ...common, ...local },
    });
  }
  return targets;
}

/**
 * `--builds dist,dist-old`: each app from each of these build folders (copies of dist/ named
 * dist-<name> in the repository root, so that node_modules and prisma/ resolve as from dist/; git,
 * lint and tests ignore them), named `<app>@<folder>`,
 * all in one run: two builds compared on equal terms, as the machine's load changes alike for both.
 */
function buildVariants(targets: Target[], builds: string[]): Target[] {
  for (const build of builds) {
    if (!/^[\w.-]+$/.test(build) || !existsSync(new URL(`../../${build}/apps`, import.meta.url)))
      throw new Error(`--builds: ${build} is not a build folder in the repository root`);
  }
  return builds.flatMap((build) =>
    targets.map((t) => ({
      ...t,
      name: `${t.name}@${build}`,
      args: t.args.map((arg) => arg.replace(/^dist\//, `${build}/`)),
    })),
  );
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

/** Clock ticks per second of /proc/<pid>/stat's utime and stime (USER_HZ: 100 on Linux). */
const CLOCK_TICKS_PER_SECOND = 100;

/**
 * CPU time (user + system) a process has used, in ms: unlike wall time, it hardly moves when other
 * work shares the machine, so it tells what a change saved on a busy machine too.
 */
async function cpuMs(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces) in parentheses; utime and stime are the
  // 14th and 15th fields, the 12th and 13th after it.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
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
    const cpu = await cpuMs(pid);
    const rssMb = await residentMb(pid);
    await sleep(IDLE_MS);
    const rssAfterIdleMb = await residentMb(pid);
    return { ms, cpuMs: cpu, rssMb, rssAfterIdleMb, cleanExit: await stop(child) };
  } catch (error) {
    await stop(child);
    throw error;
  }
}

async function main(): Promise<void> {
  const runs = intArgument('runs', 7);
  if (!existsSync(new URL(`../../${BARE_MAIN}`, import.meta.url)))
    throw new Error(`${BARE_MAIN} was not built`);
  const database = await createScratchDatabase();
  try {
    const common = {
      NODE_ENV: 'production',
      DATABASE_URL: database.url,
      JOB_TOKEN: `bench-job-token-${randomBytes(12).toString('hex')}`,
      LOG_LEVEL: 'silent',
    };
    const only = stringArgument('only');
    const appList = (await appTargets(common)).filter((t) => only === undefined || t.name === only);
    if (appList.length === 0) throw new Error(`no built app${only === undefined ? '' : ` named ${only}`}`);
    const builds = stringArgument('builds')?.split(',').filter(Boolean);
    if (builds !== undefined) appList.splice(0, appList.length, ...buildVariants(appList, builds));
    const apps = appList.map((t) => t.name);
    const bareTarget: Target = {
      name: BARE,
      args: [...NODE_ARGS, ...EXTRA_NODE_ARGS, BARE_MAIN],
      env: { NODE_ENV: 'production' },
    };
    // With --builds, each build's own bare app too (`bare-nest@<folder>`), when it was built there: a
    // change to what every start does (the launcher) moves the bare app as well, and each build's apps
    // are compared with the bare app of the same build.
    const bareOfBuild = new Map<string, string>();
    const bares = [bareTarget];
    for (const build of builds ?? []) {
      if (build === 'dist') {
        bareOfBuild.set(build, BARE);
        continue;
      }
      if (!existsSync(new URL(`../../${BARE_MAIN.replace(/^dist\//, `${build}/`)}`, import.meta.url)))
        continue;
      const [variant] = buildVariants([bareTarget], [build]);
      if (variant === undefined) continue;
      bares.push(variant);
      bareOfBuild.set(build, variant.name);
    }
    const targets: Target[] = [...bares, ...appList];
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
        cpuMs: round(summary(list.map((s) => s.cpuMs)).median),
        rssMb: round(summary(list.map((s) => s.rssMb)).median),
        rssAfterIdleMb: round(summary(list.map((s) => s.rssAfterIdleMb)).median),
        runs: list.length,
        cleanExits: list.filter((s) => s.cleanExit).length,
      };
    };
    const bare = figures(BARE);
    /** The bare app an app is compared with: its own build's (--builds), else dist's. */
    const bareFor = (app: string) => {
      const build = app.includes('@') ? app.slice(app.lastIndexOf('@') + 1) : undefined;
      const name = build === undefined ? undefined : bareOfBuild.get(build);
      return name === undefined || failures.has(name) ? bare : figures(name);
    };
    const ratios = Object.fromEntries(
      apps
        .filter((app) => !failures.has(app))
        .map((app) => {
          const own = figures(app);
          const bare = bareFor(app);
          const time = round(own.medianMs / bare.medianMs, 2);
          const memory = round(own.rssMb / bare.rssMb, 2);
          // Not part of the goal (which is wall time): the same comparison in CPU time, steadier on a busy machine.
          const cpu = round(own.cpuMs / bare.cpuMs, 2);
          return [app, { time, memory, cpu, withinGoal: time <= GOAL_RATIO && memory <= GOAL_RATIO }];
        }),
    );
    const result: Record<string, unknown> = {
      bench: 'boot',
      node: process.version,
      nodeArgs: [...NODE_ARGS, ...EXTRA_NODE_ARGS],
      pollIntervalMs: POLL_INTERVAL_MS,
      bareNest: failures.has(BARE) ? { error: failures.get(BARE) } : bare,
      ...(bareOfBuild.size > 0
        ? {
            bareNestOfBuild: Object.fromEntries(
              [...bareOfBuild]
                .filter(([, name]) => name !== BARE)
                .map(([build, name]) => [
                  build,
                  failures.has(name) ? { error: failures.get(name) } : figures(name),
                ]),
            ),
          }
        : {}),
      apps: Object.fromEntries(
        apps.map((app) => [app, failures.has(app) ? { error: failures.get(app) } : figures(app)]),
      ),
      goalRatio: GOAL_RATIO,
      ratios,
    };
    printResult(result);
  } finally {
    await database.drop();
  }
}

await main();
