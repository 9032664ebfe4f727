// `npm run bench -- covid-import`: 31 Colleges of 1,500 students each read through the Sheets simulator at
// 150 ms latency. Prints the wall time of `import-all` (everything new, then all unchanged) against the
// floor the latency sets, the database statements of one College import (1,500 and 150 students: the
// count must not grow with the rows), and the app's replace of one College against a naive row-by-row
// insert of the same data in the same script.
//
// Where the time goes: the CPU of each import-all run (this process, the simulator's share apart: it
// runs here, on the same cores), and `phases`, the same steps the import takes, College after College
// with no latency, per College: sheets read (client; simulator apart), validate, hash and diff,
// database, the run lock; `appWholeImportNoLatency.outsidePhasesCpuMs` is what the job runner, HTTP
// and Nest add. Options: `--phases-only` (only the phases, a few seconds), `--import-all-only` (only
// the two import-all runs), `--profile DIR` (V8 CPU profiles of the two import-all runs, each alone).
//
// The app is the real AppModule on a scratch database, reading sheets through the real Google client
// from the simulator (an external_account credential file), as apps/covid-pool/test/covid-pool.harness.ts
// builds it. Statements are counted by wrapping node-postgres's Client.prototype.query in this process.
import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { wholeSchemaPrismaClient } from '@app/db';
import { configureService } from '@app/service';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import inspector from 'node:inspector/promises';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { mulberry32 } from '../simulators/common/seeded-random.js';
import { writeExternalAccountCredentials } from '../simulators/sheets/local-credentials.js';
import { SheetsSimulator } from '../simulators/sheets/sheets.simulator.js';
import {
  createScratchDatabase,
  elapsedMs,
  importDist,
  installStatementCounter,
  startLatencyProxy,
  printResult,
  round,
  summary,
  type StatementCounter,
} from './bench.util.js';

type AppModuleFile = typeof import('../apps/covid-pool/src/app.module.js');
type ConfigFile = typeof import('../apps/covid-pool/src/config.js');
type GoogleSheetsSourceFile = typeof import('../apps/covid-pool/src/sheet/google-sheets.source.js');
type SheetSourceFile = typeof import('../apps/covid-pool/src/sheet/sheet-source.js');
type PoolsRepositoryFile = typeof import('../apps/covid-pool/src/import/pools.repository.js');
type ValidateSheetFile = typeof import('../apps/covid-pool/src/sheet/validate-sheet.util.js');
type ContentHashFile = typeof import('../apps/covid-pool/src/import/content-hash.util.js');
type PoolDiffFile = typeof import('../apps/covid-pool/src/import/pool-diff.util.js');
type RunLockFile = typeof import('../libs/jobs/src/run-lock.js');
type SheetSource = import('../apps/covid-pool/src/sheet/sheet-source.js').SheetSource;
type PoolsRepository = import('../apps/covid-pool/src/import/pools.repository.js').PoolsRepository;
type CollegeSheet = import('../apps/covid-pool/src/sheet/sheet.types.js').CollegeSheet;

const COLLEGES = 31;
const STUDENTS_PER_COLLEGE = 1500;
const SMALL_COLLEGE_STUDENTS = 150;
const LATENCY_MS = 150;
const MAX_POOL_SIZE = 10;
/** Timed repetitions of the naive insert and of the app's replace (median reported). */
const REPLACE_RUNS = 5;
/** Round trip added between the client and the database for the second comparison, as over a network. */
const ROUND_TRIP_MS = 1;
const ROUND_TRIP_RUNS = 3;
const JOB_TOKEN = `bench-job-token-${Date.now().toString(36)}-covid-pool`;
const OPERATOR_TOKEN = `bench-operator-token-${Date.now().toString(36)}-covid-pool`;
const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday'];

interface GeneratedSheet {
  worksheets: Record<string, string[][]>;
  pools: number;
  households: number;
}

/**
 * A valid College sheet: `students` students in households of 1 to 4 (3 on average), households put in
 * pools in order, a new pool whenever the next household would take the pool past 10 students.
 */
function collegeSheet(seed: number, students: number): GeneratedSheet {
  const next = mulberry32(seed);
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  const letter = () => letters[Math.floor(next() * letters.length)] ?? 'a';
  const pools: { name: string; households: { id: string; students: string[] }[]; size: number }[] = [];
  let placed = 0;
  let householdNumber = 0;
  while (placed < students) {
    const draw = next();
    const size = Math.min(draw < 0.1 ? 1 : draw < 0.3 ? 2 : draw < 0.6 ? 3 : 4, students - placed);
    const members = Array.from({ length: size }, (_, i) => `${letter()}${letter()}${placed + i + 1}`);
    placed += size;
    householdNumber += 1;
    let pool = pools[pools.length - 1];
    if (pool === undefined || pool.size + size > MAX_POOL_SIZE) {
      pool = { name: `Pool ${String(pools.length + 1).padStart(3, '0')}`, households: [], size: 0 };
      pools.push(pool);
    }
    pool.households.push({ id: `H${String(householdNumber).padStart(4, '0')}-${seed}`, students: members });
    pool.size += size;
  }
  return {
    worksheets: {
      Pools: [
        ['Pool', 'Description', 'Collection day'],
        ...pools.map((p, i) => [p.name, `Staircase ${i + 1}`, WEEKDAYS[i % WEEKDAYS.length] ?? 'Monday']),
      ],
      Households: [
        ['Household', 'Pool', 'Student 1', 'Student 2', 'Student 3', 'Student 4'],
        ...pools.flatMap((p) => p.households.map((h) => [h.id, p.name, ...h.students])),
      ],
      Contacts: [
        ['Name', 'Email'],
        ['Porter', `porter${seed}@example.ac.uk`],
        ['Tutor', `tutor${seed}@example.ac.uk`],
      ],
    },
    pools: pools.length,
    households: householdNumber,
  };
}

/** Calls the app over HTTP; returns the status and the parsed body. */
function client(baseUrl: string) {
  return async (method: string, urlPath: string, token: string, body?: unknown) => {
    const response = await fetch(`${baseUrl}${urlPath}`, {
      method,
      headers: {
        Authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: (text === '' ? null : JSON.parse(text)) as unknown };
  };
}

/** How many Colleges of an import-all run ended in each outcome (`imported`, `unchanged`, `invalid`...). */
function outcomeTally(body: unknown): Record<string, number> {
  const outcomes = (body as { summary?: { outcomes?: unknown } } | null)?.summary?.outcomes;
  const tally: Record<string, number> = {};
  for (const entry of Array.isArray(outcomes)
    ? (outcomes as { outcome?: unknown; status?: unknown }[])
    : []) {
    const key = String(entry.outcome ?? entry.status);
    tally[key] = (tally[key] ?? 0) + 1;
  }
  return tally;
}

/**
 * The naive way to store a College: delete its rows, then one INSERT per pool, household, student and
 * contact, all in one transaction, over one connection.
 */
async function naiveReplace(connection: pg.Client, collegeId: string, sheet: CollegeSheet): Promise<void> {
  await connection.query('BEGIN');
  try {
    await connection.query('DELETE FROM covid_pool.pool WHERE college_id = $1', [collegeId]);
    await connection.query('DELETE FROM covid_pool.contact WHERE college_id = $1', [collegeId]);
    let householdPosition = 0;
    let studentPosition = 0;
    for (const [poolPosition, pool] of sheet.pools.entries()) {
      await connection.query(
        'INSERT INTO covid_pool.pool (college_id, id, description, collection_day, position) VALUES ($1, $2, $3, $4, $5)',
        [collegeId, pool.id, pool.description, pool.collectionDay, poolPosition],
      );
      for (const household of pool.households) {
        await connection.query(
          'INSERT INTO covid_pool.household (college_id, id, pool_id, position) VALUES ($1, $2, $3, $4)',
          [collegeId, household.id, pool.id, householdPosition++],
        );
        for (const crsid of household.students) {
          await connection.query(
            'INSERT INTO covid_pool.student (college_id, crsid, household_id, position) VALUES ($1, $2, $3, $4)',
            [collegeId, crsid, household.id, studentPosition++],
          );
        }
      }
    }
    for (const [position, contact] of sheet.contacts.entries()) {
      await connection.query(
        'INSERT INTO covid_pool.contact (college_id, email, name, position) VALUES ($1, $2, $3, $4)',
        [collegeId, contact.email, contact.name, position],
      );
    }
    await connection.query(
      'UPDATE covid_pool.college SET content_hash = $2, imported_at = now(), updated_at = now() WHERE id = $1',
      [collegeId, 'naive'],
    );
    await connection.query('COMMIT');
  } catch (error) {
    await connection.query('ROLLBACK');
    throw error;
  }
}

type Timed<T> = { result: T; ms: number; statements: number; kinds: Record<string, number> };

async function timed<T>(counter: StatementCounter, work: () => Promise<T>): Promise<Timed<T>> {
  const started = process.hrtime.bigint();
  const measured = await counter.measure(work);
  return { ...measured, ms: elapsedMs(started) };
}

/**
 * Replaces one College's rows `runs` times each way, in turns after one unmeasured turn: the naive
 * row-by-row insert over one pg connection, and the app's PoolsRepository on its own PrismaService, both
 * on `url`. Returns each way's statements (one replace) and median time.
 */
async function compareReplace(options: {
  counter: StatementCounter;
  url: string;
  collegeId: string;
  sheet: CollegeSheet;
  runs: number;
  PoolsRepository: PoolsRepositoryFile['PoolsRepository'];
}): Promise<Record<'naive' | 'app', { statements: number; ms: number }>> {
  const { counter, url, collegeId, sheet, runs } = options;
  const connection = new pg.Client({ connectionString: url });
  await connection.connect();
  const prisma = await wholeSchemaPrismaClient({ url, poolSize: 2, connectTimeoutMs: 5000 });
  const repository = new options.PoolsRepository(prisma);
  try {
    const naive: Timed<void>[] = [];
    const app: Timed<void>[] = [];
    for (let run = 0; run <= runs; run++) {
      const naiveRun = await timed(counter, () => naiveReplace(connection, collegeId, sheet));
      const appRun = await timed(counter, () =>
        repository.replaceCollege(collegeId, sheet, `bench-${run}`, () => Promise.resolve()),
      );
      if (run > 0) {
        naive.push(naiveRun);
        app.push(appRun);
      }
    }
    const figures = (list: Timed<void>[]) => ({
      statements: list[0]?.statements ?? 0,
      ms: summary(list.map((r) => r.ms)).median,
    });
    return { naive: figures(naive), app: figures(app) };
  } finally {
    await connection.end();
    await prisma.$disconnect();
  }
}

/** Median time of a trivial statement on `url`. */
async function roundTripMs(url: string): Promise<number> {
  const connection = new pg.Client({ connectionString: url });
  await connection.connect();
  try {
    const times: number[] = [];
    for (let i = 0; i < 20; i++) {
      const started = process.hrtime.bigint();
      await connection.query('SELECT 1');
      times.push(elapsedMs(started));
    }
    return summary(times).median;
  } finally {
    await connection.end();
  }
}

/** CPU time of this thread (the one that runs the app, the simulator and the benchmark) in ms. */
function threadCpuMs(): number {
  const { user, system } = process.threadCpuUsage();
  return (user + system) / 1000;
}

/** CPU time of the whole process (every thread: garbage collection, libuv's pool...) in ms. */
function processCpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

interface MeteredSimulator {
  url: string;
  /** Held before the simulator sees each request: the Sheets API's answer time. */
  latencyMs: number;
  /** CPU the simulator spent answering, so far (this thread: it runs on the app's cores). */
  readonly cpuMs: number;
  close(): Promise<void>;
}

/**
 * Serves the Sheets simulator's app on a server of the benchmark's own that (1) holds each request for
 * `latencyMs` before the simulator sees it (what the simulator's own latency setting does; that setting
 * stays 0), and (2) meters the simulator's CPU: with no latency of its own, the simulator answers within
 * the one synchronous call (checked: the response has ended when it returns), so the thread's CPU time
 * of that call is the simulator's share of the machine, reported apart from the app's.
 */
async function startMeteredSimulator(sheets: SheetsSimulator): Promise<MeteredSimulator> {
  const app = sheets.createApp();
  let cpuMs = 0;
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const before = threadCpuMs();
    app(req, res);
    cpuMs += threadCpuMs() - before;
  };
  const metered = {
    url: '',
    latencyMs: 0,
    get cpuMs() {
      return cpuMs;
    },
    close: () => Promise.resolve(),
  };
  const server = createServer((req, res) => {
    if (metered.latencyMs > 0) setTimeout(() => handle(req, res), metered.latencyMs);
    else handle(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  metered.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  metered.close = () =>
    new Promise<void>((resolve, reject) => {
      server.closeAllConnections();
      server.close((error) => (error ? reject(error) : resolve()));
    });
  return metered;
}

/** CPU (this process, and the simulator's part of it) and wall time of one piece of work. */
async function metered<T>(
  simulator: MeteredSimulator,
  work: () => Promise<T>,
): Promise<{ result: T; wallMs: number; processCpuMs: number; threadCpuMs: number; simulatorCpuMs: number }> {
  const started = process.hrtime.bigint();
  const [process0, thread0, simulator0] = [processCpuMs(), threadCpuMs(), simulator.cpuMs];
  const result = await work();
  return {
    result,
    wallMs: elapsedMs(started),
    processCpuMs: processCpuMs() - process0,
    threadCpuMs: threadCpuMs() - thread0,
    simulatorCpuMs: simulator.cpuMs - simulator0,
  };
}

interface Phase {
  /** CPU of this thread spent in the phase (the app's code, its libraries, the simulator when it answers). */
  cpuMs: number;
  wallMs: number;
}

function newPhase(): Phase {
  return { cpuMs: 0, wallMs: 0 };
}

async function inPhase<T>(phase: Phase, work: () => Promise<T> | T): Promise<T> {
  const started = process.hrtime.bigint();
  const cpu0 = threadCpuMs();
  const result = await work();
  phase.cpuMs += threadCpuMs() - cpu0;
  phase.wallMs += elapsedMs(started);
  return result;
}

/**
 * Where one College import's time goes, phase by phase, summed over every College imported one after
 * the other with no sheet latency: the same functions the import calls, in the same order. `changed`
 * gives every College a new sheet first (read, validate, hash, read stored rows, diff, replace);
 * `unchanged` reads them again (read, validate, hash: the import stops there; validation is then the
 * memo's hash of the cells, as in the app). The simulator's CPU is taken out of the sheets read and
 * shown on its own.
 */
async function importPhases(options: {
  collegeIds: readonly string[];
  source: SheetSource;
  simulator: MeteredSimulator;
  repository: PoolsRepository;
  /** As the import validates: through a memo that knows the sheets it validated before. */
  validations: InstanceType<ValidateSheetFile['SheetValidationMemo']>;
  hash: ContentHashFile['contentHash'];
  diff: PoolDiffFile['diffCollege'];
  maxPoolSize: number;
  write: boolean;
}) {
  const phases = {
    sheetsRead: newPhase(),
    simulator: newPhase(),
    validate: newPhase(),
    hashAndDiff: newPhase(),
    database: newPhase(),
  };
  for (const collegeId of options.collegeIds) {
    const simulatorBefore = options.simulator.cpuMs;
    const raw = await inPhase(phases.sheetsRead, () => options.source.read(`sheet-${collegeId}`));
    const simulatorMs = options.simulator.cpuMs - simulatorBefore;
    phases.simulator.cpuMs += simulatorMs;
    phases.sheetsRead.cpuMs -= simulatorMs;
    const validation = await inPhase(phases.validate, () =>
      options.validations.validate(collegeId, raw, { maxPoolSize: options.maxPoolSize }),
    );
    if (validation.hasErrors) throw new Error(`the sheet of ${collegeId} is invalid`);
    const hash = await inPhase(phases.hashAndDiff, () => options.hash(validation.sheet));
    if (!options.write) continue;
    const stored = await inPhase(phases.database, () => options.repository.readCollege(collegeId));
    await inPhase(phases.hashAndDiff, () => JSON.stringify(options.diff(stored, validation.sheet)));
    await inPhase(phases.database, () =>
      options.repository.replaceCollege(collegeId, validation.sheet, hash, () => Promise.resolve()),
    );
  }
  const perCollege = (phase: Phase) => ({
    cpuMs: round(phase.cpuMs / options.collegeIds.length, 2),
    wallMs: round(phase.wallMs / options.collegeIds.length, 2),
  });
  return {
    sheetsRead: perCollege(phases.sheetsRead),
    simulator: { cpuMs: round(phases.simulator.cpuMs / options.collegeIds.length, 2) },
    validate: perCollege(phases.validate),
    hashAndDiff: perCollege(phases.hashAndDiff),
    ...(options.write ? { database: perCollege(phases.database) } : {}),
  };
}

/**
 * Runs `work` under the V8 sampling profiler of this process when `dir` is given, and writes the profile
 * to `dir/<name>.cpuprofile` (open it in Chrome DevTools, or sum its self time per function).
 */
async function profiled<T>(dir: string | undefined, name: string, work: () => Promise<T>): Promise<T> {
  if (dir === undefined) return work();
  const session = new inspector.Session();
  session.connect();
  try {
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
    const result = await work();
    const { profile } = await session.post('Profiler.stop');
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, `${name}.cpuprofile`), JSON.stringify(profile));
    return result;
  } finally {
    session.disconnect();
  }
}

async function main(): Promise<void> {
  // Installed first: every node-postgres client created afterwards, the app's included, is counted.
  const counter = installStatementCounter();
  const { AppModule } = await importDist<AppModuleFile>('apps/covid-pool/app.module.js');
  const { loadCovidPoolConfig } = await importDist<ConfigFile>('apps/covid-pool/config.js');
  const { GoogleSheetsSource } = await importDist<GoogleSheetsSourceFile>(
    'apps/covid-pool/sheet/google-sheets.source.js',
  );
  const { SHEET_SOURCE } = await importDist<SheetSourceFile>('apps/covid-pool/sheet/sheet-source.js');
  const { PoolsRepository } = await importDist<PoolsRepositoryFile>(
    'apps/covid-pool/import/pools.repository.js',
  );
  const { SheetValidationMemo } = await importDist<ValidateSheetFile>(
    'apps/covid-pool/sheet/validate-sheet.util.js',
  );
  const { contentHash } = await importDist<ContentHashFile>('apps/covid-pool/import/content-hash.util.js');
  const { diffCollege } = await importDist<PoolDiffFile>('apps/covid-pool/import/pool-diff.util.js');
  const { RunLock } = await importDist<RunLockFile>('libs/jobs/run-lock.js');
  // `--phases-only`: only the per-phase breakdown (a few seconds), not the import-all runs and comparisons.
  const phasesOnly = process.argv.includes('--phases-only');
  // `--import-all-only`: only the two import-all runs (first, unchanged), not the other figures.
  const importAllOnly = process.argv.includes('--import-all-only');
  // `--profile DIR`: CPU profiles of the two import-all runs (each alone) as DIR/import-all-*.cpuprofile.
  const profileIndex = process.argv.indexOf('--profile');
  const profileDir = profileIndex === -1 ? undefined : process.argv[profileIndex + 1];

  const cleanups: (() => Promise<void>)[] = [];
  try {
    const database = await createScratchDatabase();
    cleanups.unshift(() => database.drop());
    const sheets = new SheetsSimulator();
    const simulator = await startMeteredSimulator(sheets);
    cleanups.unshift(() => simulator.close());
    const credentialsDir = await mkdtemp(path.join(os.tmpdir(), 'covid-import-bench-'));
    cleanups.unshift(() => rm(credentialsDir, { recursive: true, force: true }));
    const keyFilename = await writeExternalAccountCredentials(credentialsDir, simulator.url);

    const config = loadCovidPoolConfig({
      PORT: '3001',
      DATABASE_URL: database.url,
      JOB_TOKEN,
      OPERATOR_TOKEN,
      SHEETS_SOURCE: 'google',
      SHEETS_API_URL: simulator.url,
      LOG_LEVEL: 'silent',
    });
    const source = new GoogleSheetsSource({
      apiUrl: simulator.url,
      credentialsFile: keyFilename,
    });
    const moduleRef = await Test.createTestingModule({ imports: [AppModule.forRoot(config)] })
      .overrideProvider(SHEET_SOURCE)
      .useValue(source)
      .compile();
    const app: INestApplication = moduleRef.createNestApplication({ logger: false });
    configureService(app, { app: 'covid-pool', description: 'covid-import benchmark' });
    await app.listen(0, '127.0.0.1');
    cleanups.unshift(() => app.close());
    const address = (app.getHttpServer() as Server).address() as AddressInfo;
    const call = client(`http://127.0.0.1:${address.port}`);

    // 31 Colleges with their sheets; the access token is fetched once beforehand, so the runs time imports only.
    const collegeIds = Array.from(
      { length: COLLEGES },
      (_, i) => `college-${String(i + 1).padStart(2, '0')}`,
    );
    const shapes: { pools: number; households: number }[] = [];
    for (const [index, id] of collegeIds.entries()) {
      const sheet = collegeSheet(index + 1, STUDENTS_PER_COLLEGE);
      shapes.push({ pools: sheet.pools, households: sheet.households });
      sheets.setSpreadsheet(`sheet-${id}`, sheet.worksheets);
      const put = await call('PUT', `/colleges/${id}`, OPERATOR_TOKEN, {
        name: `College ${index + 1}`,
        spreadsheetId: `sheet-${id}`,
        active: true,
      });
      if (put.status !== 201) throw new Error(`PUT /colleges/${id} answered ${put.status}`);
    }
    sheets.setSpreadsheet('warm-up', collegeSheet(999, 10).worksheets);
    await source.read('warm-up');

    // Where an import's time goes, phase by phase, with no latency: every College changed, then unchanged.
    const phases = async () => {
      for (const [index, id] of collegeIds.entries()) {
        sheets.setSpreadsheet(`sheet-${id}`, collegeSheet(5000 + index, STUDENTS_PER_COLLEGE).worksheets);
      }
      const common = {
        collegeIds,
        source,
        simulator,
        repository: app.get(PoolsRepository),
        validations: new SheetValidationMemo(),
        hash: contentHash,
        diff: diffCollege,
        maxPoolSize: config.COVID_POOL_MAX_POOL_SIZE,
      };
      const changed = await importPhases({ ...common, write: true });
      const unchanged = await importPhases({ ...common, write: false });
      // Every College's import is one job run, which takes the run lock (libs/jobs) on a connection
      // opened for it: what that costs, changed or not, as the runner does it.
      const lock = new RunLock({ url: database.url, poolSize: 1, connectTimeoutMs: 5000 });
      const runLock = newPhase();
      for (const id of collegeIds) {
        const held = await inPhase(runLock, () =>
          lock.tryAcquire(`covid-pool:bench-lock:${id}`, randomUUID()),
        );
        await inPhase(runLock, () => ('release' in held ? held.release() : undefined));
      }
      await lock.onModuleDestroy();
      const perCollege = (ms: number) => round(ms / collegeIds.length, 2);
      return {
        colleges: collegeIds.length,
        perCollege: {
          changed,
          unchanged,
          runLock: { cpuMs: perCollege(runLock.cpuMs), wallMs: perCollege(runLock.wallMs) },
        },
      };
    };
    if (phasesOnly) {
      printResult({ bench: 'covid-import', phases: await phases() });
      return;
    }

    // import-all at 150 ms per sheet read: first everything new, then everything unchanged.
    simulator.latencyMs = LATENCY_MS;
    const concurrency = config.COVID_POOL_IMPORT_CONCURRENCY;
    const floorMs = Math.ceil(COLLEGES / concurrency) * LATENCY_MS;
    const importAll = (name: string) =>
      profiled(profileDir, `import-all-${name}`, () =>
        metered(simulator, () => timed(counter, () => call('POST', '/jobs/import-all', JOB_TOKEN))),
      );
    const firstRunCpu = await importAll('first');
    const unchangedRunCpu = await importAll('unchanged');
    const firstRun = firstRunCpu.result;
    const unchangedRun = unchangedRunCpu.result;
    const cpuOf = (run: typeof firstRunCpu) => ({
      processMs: round(run.processCpuMs),
      appThreadMs: round(run.threadCpuMs - run.simulatorCpuMs),
      simulatorMs: round(run.simulatorCpuMs),
      busyShare: round(run.processCpuMs / run.wallMs, 2),
    });

    const importAllFigures = {
      firstRunMs: round(firstRun.ms),
      unchangedRunMs: round(unchangedRun.ms),
      floorMs,
      ratioToFloor: round(firstRun.ms / floorMs, 2),
      unchangedRatioToFloor: round(unchangedRun.ms / floorMs, 2),
      concurrency,
      firstRunStatements: firstRun.statements,
      unchangedRunStatements: unchangedRun.statements,
      // CPU during each run: the whole process, this thread without the simulator, the simulator alone,
      // and the process's CPU per wall-clock ms (1 = one core busy the whole run).
      firstRunCpu: cpuOf(firstRunCpu),
      unchangedRunCpu: cpuOf(unchangedRunCpu),
      firstRunOutcomes: outcomeTally(firstRun.result.body),
      unchangedRunOutcomes: outcomeTally(unchangedRun.result.body),
      httpStatus: [firstRun.result.status, unchangedRun.result.status],
    };
    if (importAllOnly) {
      printResult({ bench: 'covid-import', importAll: importAllFigures });
      return;
    }

    // Statements of one College import whose sheet changed, for 1,500 and for 150 students, and unchanged.
    const importOne = (id: string) => call('POST', `/colleges/${id}/import`, JOB_TOKEN);
    sheets.setSpreadsheet('sheet-college-01', collegeSheet(1001, STUDENTS_PER_COLLEGE).worksheets);
    const large = await timed(counter, () => importOne('college-01'));
    sheets.setSpreadsheet('sheet-college-02', collegeSheet(1002, SMALL_COLLEGE_STUDENTS).worksheets);
    const small = await timed(counter, () => importOne('college-02'));
    const unchangedOne = await timed(counter, () => importOne('college-01'));

    // The app's replace of one College (PoolsRepository.replaceCollege, as the import calls it) against a
    // naive row-by-row insert of the same data: on the local server, then with a network round trip.
    simulator.latencyMs = 0;
    const collegeId = 'college-03';
    const stored = await app.get(PoolsRepository).readCollege(collegeId);
    const compare = (url: string, runs: number) =>
      compareReplace({ counter, url, collegeId, sheet: stored, runs, PoolsRepository });
    const local = await compare(database.url, REPLACE_RUNS);
    const proxy = await startLatencyProxy(database.url, ROUND_TRIP_MS);
    cleanups.unshift(() => proxy.close());
    const measuredRoundTripMs = await roundTripMs(proxy.url);
    const remote = await compare(proxy.url, ROUND_TRIP_RUNS);

    // The app's whole import of a changed sheet, with no sheet latency: what the replace is part of.
    const wholeImports: Timed<unknown>[] = [];
    const wholeImportCpuMs: number[] = [];
    for (let run = 0; run < REPLACE_RUNS; run++) {
      sheets.setSpreadsheet(`sheet-${collegeId}`, collegeSheet(2000 + run, STUDENTS_PER_COLLEGE).worksheets);
      const measured = await metered(simulator, () => timed(counter, () => importOne(collegeId)));
      wholeImports.push(measured.result);
      wholeImportCpuMs.push(measured.threadCpuMs);
    }
    const importPhasesPerCollege = await phases();
    const changedPhases = importPhasesPerCollege.perCollege.changed;
    const phasesCpuMs =
      changedPhases.sheetsRead.cpuMs +
      changedPhases.simulator.cpuMs +
      changedPhases.validate.cpuMs +
      changedPhases.hashAndDiff.cpuMs +
      (changedPhases.database?.cpuMs ?? 0);

    printResult({
      bench: 'covid-import',
      colleges: COLLEGES,
      studentsPerCollege: STUDENTS_PER_COLLEGE,
      poolsPerCollege: round(summary(shapes.map((s) => s.pools)).median, 0),
      householdsPerCollege: round(summary(shapes.map((s) => s.households)).median, 0),
      latencyMs: LATENCY_MS,
      importAll: importAllFigures,
      statementsPerCollegeImport: {
        students1500: large.statements,
        students150: small.statements,
        unchanged: unchangedOne.statements,
        kinds1500: large.kinds,
        httpStatus: [large.result.status, small.result.status, unchangedOne.result.status],
      },
      naive: { statements: local.naive.statements, ms: round(local.naive.ms) },
      app: { statements: local.app.statements, ms: round(local.app.ms) },
      speedup: round(local.naive.ms / local.app.ms, 2),
      withRoundTrip: {
        roundTripMs: ROUND_TRIP_MS,
        measuredRoundTripMs: round(measuredRoundTripMs, 2),
        naiveMs: round(remote.naive.ms),
        appMs: round(remote.app.ms),
        speedup: round(remote.naive.ms / remote.app.ms, 1),
        runs: ROUND_TRIP_RUNS,
      },
      appWholeImportNoLatency: {
        statements: wholeImports[0]?.statements ?? 0,
        ms: round(summary(wholeImports.map((r) => r.ms)).median),
        // CPU of this thread for the whole import (HTTP call included), and what the phases below
        // leave of it: the job runner (lock, run record, audit), HTTP and Nest.
        cpuMs: round(summary(wholeImportCpuMs).median),
        outsidePhasesCpuMs: round(summary(wholeImportCpuMs).median - phasesCpuMs),
      },
      phases: importPhasesPerCollege,
      replacedRows: {
        pools: stored.pools.length,
        households: stored.pools.reduce((n, p) => n + p.households.length, 0),
        students: stored.pools.reduce(
          (n, p) => n + p.households.reduce((m, h) => m + h.students.length, 0),
          0,
        ),
      },
      runs: REPLACE_RUNS,
    });
  } finally {
    for (const cleanup of cleanups) {
      await cleanup().catch((error: unknown) => process.stderr.write(`cleanup failed: ${String(error)}\n`));
    }
    counter.uninstall();
  }
}

await main();
