// `npm start`: everything locally on the embedded defaults. Builds if needed, starts the embedded
// PostgreSQL (data in .data/pglite, migrated), the simulators with demo data, and every app that
// exists on its own port; prints the URLs and the local tokens. Ctrl-C stops everything cleanly.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from './build.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = (p) => pathToFileURL(path.join(root, 'dist', p)).href;
// Local data (database, tokens); LOCAL_DATA_DIR moves it (the start-up test uses a temporary folder).
const dataDir = path.resolve(root, process.env.LOCAL_DATA_DIR ?? '.data');
// LOCAL_PORT_OFFSET shifts every port, so a second stack (the start-up test) can run beside yours.
const portOffset = Number(process.env.LOCAL_PORT_OFFSET ?? 0);

const APPS = [
  { name: 'covid-pool', port: 3001 },
  { name: 'storage-gateway', port: 3002 },
  { name: 'cufs-api', port: 3003 },
  { name: 'lookup-gitlab-sync', port: 3004 },
  { name: 'essm-sync', port: 3005 },
  { name: 'ella-ops', port: 3006 },
].map((app) => ({ ...app, port: app.port + portOffset }));

/** Local secrets, made once and kept in .data so that curl commands keep working across restarts. */
async function localSecrets() {
  const file = path.join(dataDir, 'local-secrets.json');
  if (existsSync(file)) return JSON.parse(await readFile(file, 'utf8'));
  const secrets = {
    jobToken: `local-job-${randomBytes(12).toString('hex')}`,
    operatorToken: `local-operator-${randomBytes(12).toString('hex')}`,
    gitlabToken: `glpat-local-${randomBytes(8).toString('hex')}`,
    lookupPassword: randomBytes(12).toString('hex'),
  };
  await writeFile(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}

const log = (line) => console.log(`[start] ${line}`);

await mkdir(dataDir, { recursive: true });
const built = await build({ ifNeeded: true });
log(built.built ? `built ${built.files} files` : 'dist/ is up to date');
const secrets = await localSecrets();

const stops = [];
let databaseUrl = process.env.DATABASE_URL;
const { migrate } = await import(dist('libs/db/migrate.js'));
if (!databaseUrl) {
  const { startEmbeddedDatabase } = await import(dist('libs/db/embedded-database.js'));
  const db = await startEmbeddedDatabase({ dataDir: path.join(dataDir, 'pglite') });
  stops.push(() => db.stop());
  databaseUrl = db.url;
  log(`embedded PostgreSQL (PGlite) on ${db.url} with data in ${path.relative(root, dataDir) || '.'}/pglite`);
}
let applied;
try {
  applied = await migrate(databaseUrl, path.join(root, 'prisma/migrations'));
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

const simulators = {};
if (existsSync(path.join(root, 'dist/simulators/local-stack.js'))) {
  const { startLocalSimulators } = await import(dist('simulators/local-stack.js'));
  const started = await startLocalSimulators({ root, secrets, portOffset });
  Object.assign(simulators, started.urls);
  stops.push(() => started.stop());
  for (const [name, url] of Object.entries(started.urls)) log(`simulator ${name}: ${url}`);
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
const appEnv = {
  'covid-pool': {
    SHEETS_SOURCE: 'files',
    SHEETS_DIR: path.join(root, 'data/sheets'),
    COVID_POOL_SEED_FILE: path.join(root, 'data/colleges.json'),
    COVID_POOL_FALLBACK_CONTACT: 'covid-pool-admins@localhost.invalid',
  },
  'lookup-gitlab-sync': {
    GITLAB_URL: simulators.gitlab,
    GITLAB_TOKEN: secrets.gitlabToken,
    LOOKUP_URL: simulators.lookup,
    LOOKUP_AUTH: 'basic',
    LOOKUP_USERNAME: 'local-sync',
    LOOKUP_PASSWORD: secrets.lookupPassword,
    OPS_EMAIL: 'gitlab-ops@localhost.invalid',
  },
};

const children = [];
for (const app of APPS) {
  const main = path.join(root, 'dist/apps', app.name, 'main.js');
  if (!existsSync(main)) continue;
  const env = { ...process.env, ...common, ...(appEnv[app.name] ?? {}), PORT: String(app.port) };
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
console.log('\n  try:');
console.log(
  `    curl -s -X POST -H "Authorization: Bearer ${secrets.jobToken}" "http://127.0.0.1:${3001 + portOffset}/jobs/import-all?dry_run=1"`,
);
if (children.some(({ app }) => app.name === 'lookup-gitlab-sync')) {
  console.log(
    `    curl -s -X POST -H "Authorization: Bearer ${secrets.jobToken}" "http://127.0.0.1:${3004 + portOffset}/jobs/sync?dry_run=1"`,
  );
}
console.log('\n  Ctrl-C stops everything.\n');

let stopping = false;
async function stop(signal) {
  if (stopping) return;
  stopping = true;
  log(`${signal}: stopping`);
  await Promise.all(
    children.map(
      ({ child }) =>
        new Promise((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
          child.once('exit', () => {
            clearTimeout(timer);
            resolve();
          });
          child.kill('SIGTERM');
        }),
    ),
  );
  for (const stopOne of stops.reverse()) await stopOne().catch((e) => log(`stop failed: ${e.message}`));
  log('stopped');
  process.exit(0);
}
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
