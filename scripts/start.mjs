// `npm start`: everything locally on the embedded defaults. Builds if needed, starts the embedded
// PostgreSQL (data in .data/pglite, migrated), the simulators with demo data, and every app that
// exists on its own port; prints the URLs and the local tokens. Ctrl-C stops everything cleanly.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from './build.mjs';
import { fillEnv, loadManifest } from './manifest.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = (p) => pathToFileURL(path.join(root, 'dist', p)).href;
// Local data (database, tokens); LOCAL_DATA_DIR moves it (the start-up test uses a temporary folder).
const dataDir = path.resolve(root, process.env.LOCAL_DATA_DIR ?? '.data');
// LOCAL_PORT_OFFSET shifts every port, so a second stack (the start-up test) can run beside yours.
const portOffset = Number(process.env.LOCAL_PORT_OFFSET ?? 0);

let manifest;
try {
  manifest = loadManifest();
} catch (error) {
  console.error(`[start] ${error.message}`);
  process.exit(1);
}
let stopping = false;

/**
 * Local secrets, made once and kept in .data so that curl commands keep working across restarts. A
 * secret added since the file was written (a new app's) is made and added to it.
 */
async function localSecrets() {
  const file = path.join(dataDir, 'local-secrets.json');
  const kept = existsSync(file) ? JSON.parse(await readFile(file, 'utf8')) : {};
  const made = {
    jobToken: () => `local-job-${randomBytes(12).toString('hex')}`,
    operatorToken: () => `local-operator-${randomBytes(12).toString('hex')}`,
    gitlabToken: () => `glpat-local-${randomBytes(8).toString('hex')}`,
    lookupPassword: () => randomBytes(12).toString('hex'),
    cufsClientSecret: () => randomBytes(12).toString('hex'),
    sessionSecret: () => randomBytes(32).toString('hex'),
    storageBackendToken: () => `local-backend-${randomBytes(12).toString('hex')}`,
    viewerToken: () => `local-viewer-${randomBytes(12).toString('hex')}`,
    ellaSupervisorPassword: () => randomBytes(12).toString('hex'),
  };
  const missing = Object.keys(made).filter((name) => kept[name] === undefined);
  if (missing.length === 0) return kept;
  const secrets = { ...kept, ...Object.fromEntries(missing.map((name) => [name, made[name]()])) };
  await writeFile(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}

const log = (line) => console.log(`[start] ${line}`);

await mkdir(dataDir, { recursive: true });
const built = await build({ ifNeeded: true });
log(built.built ? `built ${built.files} files` : 'dist/ is up to date');
const secrets = await localSecrets();

// The apps of the manifest that exist in this checkout (built to dist/apps/<app>/main.js).
const APPS = manifest.apps
  .filter((app) => existsSync(path.join(root, 'dist/apps', app.name, 'main.js')))
  .map((app) => ({ ...app, port: app.port + portOffset }));
for (const name of await readdir(path.join(root, 'dist/apps'))) {
  if (!manifest.apps.some((app) => app.name === name)) {
    log(`apps/${name} is not in apps/manifest.json: not started (docs/adding-an-app.md)`);
  }
}

const stops = [];
const children = [];
// Ctrl-C at any point stops what has started so far.
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
// The simulators the started apps need (manifest: apps[].simulators), each its own process from
// dist/simulators/<name>/main.js with demo data, on the manifest's port. They start while the
// database starts and migrates; the apps start once both are ready.
const simulatorUrls = {};
const simulatorChildren = [];
async function startSimulator(name) {
  const simulator = manifest.simulators[name];
  const port = simulator.port + portOffset;
  const main = path.join(root, 'dist/simulators', name, 'main.js');
  if (!existsSync(main)) throw new Error(`simulator ${name}: ${path.relative(root, main)} was not built`);
  const env = { ...process.env, ...fillEnv(simulator.env, { root, secrets }, `simulators.${name}.env`) };
  env.PORT = String(port);
  const child = spawn(process.execPath, [main], { cwd: root, env, stdio: ['ignore', 'pipe', 'inherit'] });
  simulatorChildren.push(child);
  // Each simulator prints one JSON line once it listens.
  await new Promise((resolve, reject) => {
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk.toString();
      if (output.includes('\n')) resolve();
    });
    child.once('exit', (code, signal) => reject(new Error(`simulator ${name} exited (${signal ?? code})`)));
  });
  simulatorUrls[name] = `http://127.0.0.1:${port}${simulator.path ?? ''}`;
  log(`simulator ${name}: ${simulatorUrls[name]}`);
}
const simulatorsStarted = Promise.all(
  [...new Set(APPS.flatMap((app) => app.simulators))].map((name) => startSimulator(name)),
).then(
  () => null,
  (error) => error,
);
stops.push(() => Promise.all(simulatorChildren.map((child) => stopChild(child))));

let databaseUrl = process.env.DATABASE_URL;
const { migrate } = await import(dist('libs/db/migrate.js'));
if (!databaseUrl) {
  const { startEmbeddedDatabase } = await import(dist('libs/db/embedded-database.js'));
  let db;
  try {
    db = await startEmbeddedDatabase({ dataDir: path.join(dataDir, 'pglite') });
  } catch (error) {
    console.error(`[start] the embedded database did not start: ${error.message}`);
    for (const stopOne of stops.reverse()) await stopOne();
    process.exit(1);
  }
  stops.push(() => db.stop());
  databaseUrl = db.url;
  log(`embedded PostgreSQL (PGlite) on ${db.url} with data in ${path.relative(root, dataDir) || '.'}/pglite`);
}
let applied;
try {
  applied = await migrate(databaseUrl);
} catch (error) {
  console.error(`[start] ${error.message}`);
  if (!process.env.DATABASE_URL) {
    console.error(
      '[start] The local database in .data/pglite does not fit these migrations; `rm -rf .data/pglite` starts afresh.',
    );
  }
  for (const stopOne of stops.reverse()) await stopOne();
  process.exit(1);
}
log(`migrations: ${applied.length} applied now`);
const simulatorFailure = await simulatorsStarted;
if (simulatorFailure !== null) {
  console.error(`[start] ${simulatorFailure.message}`);
  for (const stopOne of stops.reverse()) await stopOne();
  process.exit(1);
}

/** SIGTERM, then SIGKILL after 10 s; resolves when the process has exited. */
function stopChild(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

const common = {
  NODE_ENV: 'development',
  DATABASE_URL: databaseUrl,
  DATABASE_POOL_SIZE: '3',
  JOB_AUTH_MODE: 'token',
  JOB_TOKEN: secrets.jobToken,
  OPERATOR_TOKEN: secrets.operatorToken,
  LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
};

for (const app of APPS) {
  if (stopping) break; // Ctrl-C during the start: nothing more is started
  const main = path.join(root, 'dist/apps', app.name, 'main.js');
  const appUrls = Object.fromEntries(APPS.map((a) => [a.name, `http://127.0.0.1:${a.port}`]));
  const context = { root, secrets, simulatorUrls, appUrls, self: appUrls[app.name] };
  const local = {
    ...fillEnv(app.localEnv, context, `${app.name}.localEnv`),
    ...fillEnv(app.demoEnv, context, `${app.name}.demoEnv`),
  };
  const env = { ...process.env, ...common, ...local, PORT: String(app.port) };
  for (const [key, value] of Object.entries(env)) if (value === undefined) delete env[key];
  const child = spawn(process.execPath, ['--enable-source-maps', main], { cwd: root, env, stdio: 'inherit' });
  children.push({ app, child });
  child.on('exit', (code, signal) => {
    if (!stopping) log(`${app.name} exited (${signal ?? code}); the others keep running`);
  });
}

async function waitHealthy(url, ms = 60_000) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    try {
      if ((await fetch(url)).ok) return true;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return false;
}
const health = await Promise.all(
  children.map(({ app }) => waitHealthy(`http://127.0.0.1:${app.port}/healthz`)),
);

console.log('\nUniversity Services Platform is running locally:\n');
children.forEach(({ app }, i) =>
  console.log(
    `  ${app.name.padEnd(20)} http://127.0.0.1:${app.port}   docs: http://127.0.0.1:${app.port}/api/docs${health[i] ? '' : '   (not healthy!)'}`,
  ),
);
console.log(`\n  job token:       ${secrets.jobToken}`);
console.log(`  operator token:  ${secrets.operatorToken}`);
if (children.some(({ app }) => app.localEnv?.VIEWER_TOKEN !== undefined)) {
  console.log(`  viewer token:    ${secrets.viewerToken} (ella-ops: reads, no actions)`);
}
console.log("\n  try (a dry run of each app's first job):");
for (const { app } of children) {
  const job = app.jobs[0];
  if (job === undefined) continue;
  console.log(
    `    curl -s -X POST -H "Authorization: Bearer ${secrets.jobToken}" "http://127.0.0.1:${app.port}/jobs/${job.name}?dry_run=1"`,
  );
}
console.log('\n  Ctrl-C stops everything.\n');

async function stop(signal) {
  if (stopping) return;
  stopping = true;
  log(`${signal}: stopping`);
  await Promise.all(children.map(({ child }) => stopChild(child)));
  for (const stopOne of stops.reverse()) await stopOne().catch((e) => log(`stop failed: ${e.message}`));
  log('stopped');
  process.exit(0);
}
