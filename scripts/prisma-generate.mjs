// Generates the Prisma clients: the client of the whole schema (prisma/schema) into
// libs/db/src/generated, then one client per app of prisma/app-clients.json, with only base.prisma,
// platform.prisma and that app's own schema files, into libs/db/src/generated/apps/<app> (what the
// app runs with; see libs/db/src/db.module.ts).
// Every prisma CLI command first tries to download the Rust schema engine, which `generate` does
// not need and which cannot be downloaded on machines without access to Prisma's binary host.
// Pointing PRISMA_SCHEMA_ENGINE_BINARY at any existing file skips that download.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const schemaDir = path.join(root, 'prisma/schema');
const generatedDir = path.join(root, 'libs/db/src/generated');
/** The schema files every client holds. */
const SHARED_SCHEMAS = ['base.prisma', 'platform.prisma'];
const env = { ...process.env };
env.PRISMA_SCHEMA_ENGINE_BINARY ??= fileURLToPath(import.meta.url);
env.PRISMA_HIDE_UPDATE_MESSAGE = '1';

function prismaGenerate(args, quiet) {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [path.join(root, 'node_modules/prisma/build/index.js'), 'generate', ...args],
      { cwd: root, env, stdio: quiet ? ['ignore', 'ignore', 'inherit'] : 'inherit' },
    );
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`prisma generate ${args.join(' ')} failed`)),
    );
  });
}

/** One app's client: its schema files and the shared ones, copied to a folder of their own with the output moved. */
async function generateAppClient(app, ownSchemas) {
  const dir = await mkdtemp(path.join(os.tmpdir(), `prisma-${app}-`));
  try {
    const output = path.join(generatedDir, 'apps', app).split(path.sep).join('/');
    for (const file of [...SHARED_SCHEMAS, ...ownSchemas]) {
      let text = await readFile(path.join(schemaDir, file), 'utf8');
      if (file === 'base.prisma') {
        const moved = text.replace(/^(\s*output\s*=\s*)"[^"]*"/m, `$1"${output}"`);
        if (moved === text)
          throw new Error('prisma/schema/base.prisma: no `output = "..."` in its generator');
        text = moved;
      }
      await writeFile(path.join(dir, file), text);
    }
    await prismaGenerate(['--schema', dir], true);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export async function readAppClients() {
  const apps = JSON.parse(await readFile(path.join(root, 'prisma/app-clients.json'), 'utf8'));
  delete apps.$comment;
  return apps;
}

export { SHARED_SCHEMAS };

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    await prismaGenerate([], false);
    const apps = await readAppClients();
    await rm(path.join(generatedDir, 'apps'), { recursive: true, force: true });
    // Two at a time: each is a prisma CLI process of its own.
    const queue = Object.entries(apps);
    await Promise.all(
      [0, 1].map(async () => {
        for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
          await generateAppClient(...next);
        }
      }),
    );
    console.log(
      `Generated the Prisma client of each app (${Object.keys(apps).join(', ')}) into libs/db/src/generated/apps`,
    );
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  }
}
