import { describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdtemp, mkdir, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { SourceMap } from 'node:module';
import { bundleEntry, lineMappings } from './bundle.mjs';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '..');

/**
 * A built app in miniature, placed inside the repository so that its imports of zod and Nest
 * resolve from node_modules as an app's do: an entry that imports a module of a sub-folder, which
 * finds a file beside itself through import.meta.url, imports zod and Nest, and loads a module on
 * demand.
 */
async function fixture(): Promise<{ dir: string; main: string }> {
  // Not in dist/, which a build in another test file may delete and write again meanwhile.
  await mkdir(path.join(root, 'node_modules', '.cache'), { recursive: true });
  const dir = await mkdtemp(path.join(root, 'node_modules', '.cache', 'bundle-spec-'));
  await mkdir(path.join(dir, 'web', 'views'), { recursive: true });
  await writeFile(path.join(dir, 'web', 'views', 'page.eta'), 'hello');
  await writeFile(
    path.join(dir, 'web', 'renderer.js'),
    [
      "import { fileURLToPath } from 'node:url';",
      "import { Injectable } from '@nestjs/common';",
      "import { z } from 'zod';",
      "import { Decimal, PrismaClientKnownRequestError } from '@prisma/client/runtime/client';",
      "import * as rxjs from 'rxjs';",
      "export const decimal = new Decimal('1.5').plus(1).toString();",
      // What a package imports (Nest imports rxjs; the generated client, the Prisma runtime): a real
      // import, which the bundle leaves as it is because its specifier is not a literal.
      'const viaImport = (name) => import(name);',
      "const [rxjsImported, prismaImported] = await Promise.all([viaImport('rxjs'), viaImport('@prisma/client/runtime/client')]);",
      'export const sameRxjs = rxjs.Observable === rxjsImported.Observable;',
      "export const samePrisma = new prismaImported.PrismaClientKnownRequestError('x', { code: 'P2002', clientVersion: '7' }) instanceof PrismaClientKnownRequestError;",
      "export const VIEWS_DIR = fileURLToPath(new URL('./views/', import.meta.url));",
      'export const locales = Object.keys(z.locales);',
      'export const parsed = z.object({ a: z.string() }).safeParse({ a: 1 }).error?.issues[0]?.message;',
      'export const injectable = typeof Injectable;',
      "export const later = () => import('./later.js');",
    ].join('\n'),
  );
  await writeFile(path.join(dir, 'web', 'later.js'), "export const value = 'later';");
  await writeFile(
    path.join(dir, 'main.js'),
    [
      "import { VIEWS_DIR, locales, parsed, injectable, later, decimal, sameRxjs, samePrisma } from './web/renderer.js';",
      "import { readFileSync } from 'node:fs';",
      'const { value } = await later();',
      "console.log(JSON.stringify({ view: readFileSync(VIEWS_DIR + 'page.eta', 'utf8'), VIEWS_DIR, locales, parsed, injectable, value, decimal, sameRxjs, samePrisma }));",
    ].join('\n'),
  );
  return { dir, main: path.join(dir, 'main.js') };
}

describe('scripts/bundle.mjs: an app entry bundled in place', () => {
  it('runs as before: files beside a module are found, zod is one module beside it and speaks English only, Nest stays a package import, CommonJS packages are required, chunks sit beside the entry', async () => {
    const { dir, main } = await fixture();
    try {
      await bundleEntry(main);
      const { stdout } = await run(process.execPath, [main], { cwd: root });
      const result = JSON.parse(stdout) as Record<string, unknown>;
      expect(result).toEqual({
        view: 'hello',
        VIEWS_DIR: `${path.join(dir, 'web', 'views')}/`,
        locales: ['en'],
        parsed: 'Invalid input: expected string, received number',
        injectable: 'function',
        value: 'later',
        decimal: '2.5',
        sameRxjs: true,
        samePrisma: true,
      });

      // main.js is the launcher; the app's code is in main.bundle.js beside it.
      expect(await readFile(main, 'utf8')).toContain('await import("./main.bundle.js")');
      const bundle = main.replace(/\.js$/, '.bundle.js');
      const code = await readFile(bundle, 'utf8');
      // Nest is imported from node_modules (one copy shared with the framework), not inlined.
      expect(code).toMatch(/from\s*"@nestjs\/common"/);
      expect(code).not.toMatch(/from\s*"zod"/);
      // zod is one module of its own beside the bundle, without a source map for Node to read at boot.
      expect(code).toMatch(/from\s*"\.\/vendor\.zod\.js"/);
      const vendored = await readFile(path.join(dir, 'vendor.zod.js'), 'utf8');
      expect(vendored).not.toContain('sourceMappingURL');
      expect(vendored).not.toMatch(/from\s*"zod/);
      // CommonJS packages are required (compiled once), with the same module as an import would give.
      expect(code).toContain('__uspRequire("@prisma/client/runtime/client")');
      expect(code).toContain('__uspRequire("rxjs")');
      expect(code).not.toMatch(/from\s*"@prisma\/client\/runtime\/client"/);
      // The on-demand module is a chunk in the entry's own folder, so import.meta.url means the same there.
      const chunks = (await readdir(dir)).filter((f) => f.startsWith('chunk.') && f.endsWith('.js'));
      expect(chunks.length).toBeGreaterThan(0);
      expect(await readFile(`${bundle}.map`, 'utf8')).toContain('"mappings"');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

/**
 * Runs `test` in a new folder outside the repository (so outside node_modules, whose files the
 * launcher leaves unmapped) with the repository's packages linked beside it; removes it after.
 */
async function inFolderWithPackages(prefix: string, test: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  try {
    await symlink(path.join(root, 'node_modules'), path.join(dir, 'node_modules'));
    await test(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('vendored packages', () => {
  it('refuses an import of a part of zod (two copies of zod would be loaded), naming the file', async () => {
    await inFolderWithPackages('bundle-vendored-', async (dir) => {
      await writeFile(path.join(dir, 'main.js'), "import * as z from 'zod/mini';\nconsole.log(typeof z);");
      await expect(bundleEntry(path.join(dir, 'main.js'))).rejects.toThrow(
        /main\.js: import zod itself, not zod\/mini/,
      );
    });
  });
});

describe('launcher: the entry of a bundled app', () => {
  it("maps stack traces to our own files, with or without --enable-source-maps, and reads no package's map", async () => {
    await inFolderWithPackages('bundle-launcher-', async (dir) => {
      await writeFile(
        path.join(dir, 'thrower.js'),
        ['export function fail() {', "  throw new Error('from thrower');", '}'].join('\n'),
      );
      await writeFile(
        path.join(dir, 'main.js'),
        [
          "import { findSourceMap } from 'node:module';",
          "import { createRequire } from 'node:module';",
          "import { Observable } from 'rxjs';",
          "import { fail } from './thrower.js';",
          'let stack = "";',
          'try { fail(); } catch (error) { stack = error.stack; }',
          "const rxjsFile = createRequire(import.meta.url).resolve('rxjs');",
          'console.log(JSON.stringify({ stack, rx: typeof Observable, rxjsMapped: findSourceMap(rxjsFile) !== undefined }));',
        ].join('\n'),
      );
      await bundleEntry(path.join(dir, 'main.js'));
      for (const flags of [[], ['--enable-source-maps']]) {
        const { stdout } = await run(process.execPath, [...flags, path.join(dir, 'main.js')], { cwd: dir });
        const result = JSON.parse(stdout) as { stack: string; rx: string; rxjsMapped: boolean };
        // The frame names thrower.js line 2, where the source throws, not a line of main.bundle.js.
        expect(result.stack).toContain(`${path.join(dir, 'thrower.js')}:2`);
        expect(result.stack).not.toContain('main.bundle.js');
        expect(result).toMatchObject({ rx: 'function', rxjsMapped: false });
      }
    });
  });

  it('reports a failure while the bundle loads as one CRITICAL line naming the app, and exits 1', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'bundle-launcher-'));
    const appDir = path.join(dir, 'my-app');
    try {
      await mkdir(appDir);
      await writeFile(
        path.join(appDir, 'main.js'),
        "throw new Error('cannot reach postgresql://app:s3cret@db/x at load');",
      );
      await bundleEntry(path.join(appDir, 'main.js'));
      const failure = await run(process.execPath, [path.join(appDir, 'main.js')], { cwd: dir }).then(
        () => undefined,
        (error: { code: number; stderr: string }) => error,
      );
      expect(failure?.code).toBe(1);
      const lines = (failure?.stderr ?? '').split('\n').filter(Boolean);
      expect(lines).toHaveLength(1);
      const line = JSON.parse(lines[0] ?? '{}') as { severity: string; app: string; message: string };
      expect(line).toMatchObject({ severity: 'CRITICAL', app: 'my-app' });
      expect(line.message).toMatch(
        /^my-app did not start: Error: cannot reach postgresql:\/\/\[redacted\]@db\/x at load/,
      );
      expect(line.message).not.toContain('s3cret');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('lineMappings: the bundle map with one mapping per generated line', () => {
  it('maps the start of every generated line to the same source, line and column as the full map, and keeps no names', () => {
    // Three sources, negative and multi-digit deltas, lines without mappings, segments of 1, 4 and 5 fields.
    const full = {
      version: 3,
      file: 'main.js',
      sourceRoot: '',
      sourcesContent: [],
      sources: ['a.ts', 'b.ts', 'c.ts'],
      names: ['x', 'y'],
      mappings: 'AAAA,EAAE,CAAC;;IACFA,SAAS,KAAK;A;ECqBZ,GAAG,GACA;GDTT,EAAEC;AEhCF',
    };
    const reduced = lineMappings(full) as typeof full;
    expect(reduced.names).toEqual([]);
    const lines = reduced.mappings.split(';');
    expect(lines).toHaveLength(full.mappings.split(';').length);
    for (const line of lines) expect(line.split(',').filter((s) => s !== '').length).toBeLessThanOrEqual(1);

    const before = new SourceMap(full);
    const after = new SourceMap(reduced);
    let compared = 0;
    full.mappings.split(';').forEach((_line, lineNumber) => {
      // The line's first mapped position according to the full map.
      const firstColumn = [...Array(200).keys()].find((column) => {
        const entry = before.findEntry(lineNumber, column) as {
          generatedLine?: number;
          originalSource?: string;
        };
        return entry.generatedLine === lineNumber && entry.originalSource !== undefined;
      });
      if (firstColumn === undefined) return;
      // Names are dropped on purpose (stack traces take a function's name from the code itself).
      const { name: _dropped, ...expected } = before.findEntry(lineNumber, firstColumn) as Record<
        string,
        unknown
      >;
      expect({ ...after.findEntry(lineNumber, firstColumn), name: undefined }).toEqual({
        ...expected,
        name: undefined,
      });
      compared += 1;
    });
    expect(compared).toBe(5);
  });
});
