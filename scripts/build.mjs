// Compiles the monorepo with swc into dist/ so that every app runs with plain `node`:
//   apps/<app>/src/** -> dist/apps/<app>/**   (so the entry point is dist/apps/<app>/main.js)
//   libs/<lib>/src/** -> dist/libs/<lib>/**
//   simulators/**     -> dist/simulators/**
//   bench/**          -> dist/bench/**
//   apps/<app>/src/**/{views,public}/* and libs/<lib>/src/**/public/* are copied as they are
//   (page templates, CSS, scripts)
// Imports of `@app/<lib>` (a TypeScript path alias, unknown to Node) are rewritten to the relative
// path of dist/libs/<lib>/index.js. Usage: node scripts/build.mjs [--if-needed]
import { transformFile } from '@swc/core';
import { bundleEntries, bundleEntry } from './bundle.mjs';
import { copyFile, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');
const stampFile = path.join(dist, '.build-stamp');

async function listFiles(dir) {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => []);
  return (
    entries
      .filter((e) => e.isFile())
      .map((e) => path.join(e.parentPath, e.name))
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
      // Tests and their helpers stay out of dist/ (and so out of the image): they import dev-only packages.
      .filter((f) => !/(\.spec|[.-]test\.harness|\.fixture)\.ts$/.test(f))
      .filter((f) => !f.split(path.sep).includes('test'))
  );
}

async function sources() {
  const units = [];
  for (const kind of ['apps', 'libs']) {
    for (const name of await readdir(path.join(root, kind)).catch(() => [])) {
      // libs/testing holds harnesses and fakes for tests only: never part of a deployed app.
      if (kind === 'libs' && name === 'testing') continue;
      const src = path.join(root, kind, name, 'src');
      for (const file of await listFiles(src)) {
        units.push({ file, out: path.join(dist, kind, name, path.relative(src, file)) });
      }
    }
  }
  for (const kind of ['simulators', 'bench']) {
    const dir = path.join(root, kind);
    for (const file of await listFiles(dir)) {
      units.push({ file, out: path.join(dist, kind, path.relative(dir, file)) });
    }
  }
  return units.map((u) => ({ ...u, out: u.out.replace(/\.ts$/, '.js') }));
}

/**
 * Files an app reads at run time beside its code, copied as they are: page templates (`views/`) and
 * the pages' stylesheets and scripts (`public/`) under apps/<app>/src/, and the platform's stylesheet
 * under libs/<lib>/src/ (libs/service: platform.css).
 */
async function assets() {
  const copies = [];
  for (const kind of ['apps', 'libs']) {
    for (const name of await readdir(path.join(root, kind)).catch(() => [])) {
      if (kind === 'libs' && name === 'testing') continue;
      const src = path.join(root, kind, name, 'src');
      const entries = await readdir(src, { withFileTypes: true, recursive: true }).catch(() => []);
      for (const e of entries) {
        if (!e.isFile()) continue;
        const file = path.join(e.parentPath, e.name);
        const parts = path.relative(src, file).split(path.sep);
        if (!parts.slice(0, -1).some((p) => p === 'views' || p === 'public')) continue;
        copies.push({ file, out: path.join(dist, kind, name, path.relative(src, file)) });
      }
    }
  }
  return copies;
}

function rewriteAliases(code, outFile) {
  return code.replace(
    /(from\s*|import\s*\(\s*|import\s*)(['"])@app\/([a-z0-9-]+)\2/g,
    (_m, lead, quote, lib) => {
      let rel = path.relative(path.dirname(outFile), path.join(dist, 'libs', lib, 'index.js'));
      if (!rel.startsWith('.')) rel = `./${rel}`;
      return `${lead}${quote}${rel.split(path.sep).join('/')}${quote}`;
    },
  );
}

async function newestMtime(files) {
  let newest = 0;
  for (const f of files) newest = Math.max(newest, (await stat(f)).mtimeMs);
  return newest;
}

/**
 * One build at a time: a build deletes dist/ and writes it again, and several callers start one
 * (`npm start`, `npm run db:migrate`, test files that run them, possibly at once in parallel Jest
 * workers). A second build waits for the first, then finds dist/ up to date. The lock is a file made
 * with O_EXCL beside node_modules' cache; one older than `staleMs` is from a build that died.
 */
const lockFile = path.join(root, 'node_modules', '.cache', 'usp-build.lock');

/** Runs `work` holding `file` as a lock (made with O_EXCL, removed after); waits while another holds it. */
export async function withFileLock(
  file,
  work,
  { staleMs = 5 * 60_000, waitMs = 10 * 60_000, pollMs = 200 } = {},
) {
  await mkdir(path.dirname(file), { recursive: true });
  const started = Date.now();
  for (;;) {
    try {
      await writeFile(file, String(process.pid), { flag: 'wx' });
      break;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
      const age = await stat(file).then(
        (s) => Date.now() - s.mtimeMs,
        () => 0,
      );
      if (age > staleMs) await rm(file, { force: true });
      else if (Date.now() - started > waitMs)
        throw new Error(`another build has held ${file} for ${waitMs / 1000} s`, { cause: error });
      else await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  }
  try {
    return await work();
  } finally {
    await rm(file, { force: true });
  }
}

/** Files that change what a build writes, besides the sources and assets themselves. */
const BUILD_INPUTS = ['package-lock.json', '.swcrc', 'scripts/build.mjs', 'scripts/bundle.mjs'];

export async function build({ ifNeeded = false } = {}) {
  return withFileLock(lockFile, () => buildUnlocked({ ifNeeded }));
}

async function buildUnlocked({ ifNeeded }) {
  const units = await sources();
  const copies = await assets();
  if (ifNeeded) {
    const built = await stat(stampFile).then(
      (s) => s.mtimeMs,
      () => 0,
    );
    const inputs = [
      ...units.map((u) => u.file),
      ...copies.map((c) => c.file),
      ...BUILD_INPUTS.map((file) => path.join(root, file)),
    ];
    if (built > (await newestMtime(inputs))) return { built: false, files: units.length };
  }
  await rm(dist, { recursive: true, force: true });
  const swcrc = JSON.parse(await readFile(path.join(root, '.swcrc'), 'utf8'));
  delete swcrc.$schema;
  await Promise.all(
    units.map(async ({ file, out }) => {
      const { code, map } = await transformFile(file, {
        ...swcrc,
        swcrc: false,
        filename: file,
        sourceFileName: path.relative(path.dirname(out), file),
      });
      await mkdir(path.dirname(out), { recursive: true });
      await writeFile(out, `${rewriteAliases(code, out)}\n//# sourceMappingURL=${path.basename(out)}.map\n`);
      if (map) await writeFile(`${out}.map`, map);
    }),
  );
  await Promise.all(
    copies.map(async ({ file, out }) => {
      await mkdir(path.dirname(out), { recursive: true });
      await copyFile(file, out);
    }),
  );
  // Each app's main.js becomes one bundle of its own code (scripts/bundle.mjs).
  await Promise.all((await bundleEntries(dist)).map((entry) => bundleEntry(entry)));
  await writeFile(stampFile, new Date().toISOString());
  return { built: true, files: units.length };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const started = Date.now();
  const result = await build({ ifNeeded: process.argv.includes('--if-needed') });
  console.log(
    result.built
      ? `built ${result.files} files into dist/ in ${Date.now() - started} ms`
      : `dist/ is up to date (${result.files} files)`,
  );
}
