import { describe, expect, it } from '@jest/globals';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// The production image installs `dependencies` only (docker/Dockerfile, `npm ci --omit=dev`). Every
// package a deployed app loads as it starts must therefore be one of them: the modules its main.ts
// reaches through static imports may not import a devDependency (PGlite, exceljs, test tools).
// Local-only packages are loaded with `import()` at first use instead (libs/db importLocalOnly).

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
// What `npm ci --omit=dev --omit=optional` installs at the top level (the image's node_modules).
const lock = JSON.parse(readFileSync(path.join(root, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { dev?: boolean; optional?: boolean; devOptional?: boolean }>;
};
function inProductionImage(name: string): boolean {
  const entry = lock.packages[`node_modules/${name}`];
  return entry !== undefined && !entry.dev && !entry.optional && !entry.devOptional;
}
const manifest = JSON.parse(readFileSync(path.join(root, 'apps/manifest.json'), 'utf8')) as {
  apps: { name: string }[];
};

// Statements that load a module when the importing module loads: `import x from`, `import {..} from`,
// `import 'x'`, `export .. from`. `import type` / `export type` are erased by the compiler; `import()`
// is a load at first use, not at start.
const STATEMENT = /^\s*(import|export)\s+(type\s+)?([^'";]*?\bfrom\s*)?['"]([^'"]+)['"]/gm;

function staticImports(file: string): string[] {
  const source = readFileSync(file, 'utf8');
  const found: string[] = [];
  for (const match of source.matchAll(STATEMENT)) {
    const [, keyword, typeOnly, from, specifier] = match;
    if (typeOnly !== undefined || specifier === undefined) continue;
    if (keyword === 'export' && from === undefined) continue; // `export const x = '...'`
    found.push(specifier);
  }
  return found;
}

function resolveLocal(from: string, specifier: string): string | undefined {
  const alias = /^@app\/([a-z0-9-]+)$/.exec(specifier);
  const base = alias
    ? path.join(root, 'libs', alias[1] ?? '', 'src/index')
    : path.resolve(path.dirname(from), specifier);
  const candidates = [base.replace(/\.js$/, '.ts'), `${base}.ts`, path.join(base, 'index.ts'), base];
  return candidates.find((candidate) => existsSync(candidate) && candidate.endsWith('.ts'));
}

function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
}

/** Packages loaded, directly or through our own modules, when `entry` is loaded. */
function packagesLoadedBy(entry: string): Map<string, string> {
  const packages = new Map<string, string>(); // package -> first file importing it
  const seen = new Set<string>();
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.pop() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const specifier of staticImports(file)) {
      if (specifier.startsWith('node:')) continue;
      if (specifier.startsWith('.') || specifier.startsWith('@app/')) {
        const target = resolveLocal(file, specifier);
        if (target === undefined)
          throw new Error(`${path.relative(root, file)}: cannot resolve ${specifier}`);
        queue.push(target);
      } else if (!packages.has(packageName(specifier))) {
        packages.set(packageName(specifier), path.relative(root, file));
      }
    }
  }
  return packages;
}

describe('what a deployed app loads at start', () => {
  it.each(manifest.apps.map((app) => app.name))('%s: production dependencies only', (app) => {
    const packages = packagesLoadedBy(path.join(root, 'apps', app, 'src/main.ts'));
    const devOnly = [...packages]
      .filter(([name]) => name in pkg.devDependencies)
      .map(([name, file]) => `${name} (${file})`);
    expect(devOnly).toEqual([]);
    // Every package is in the image: a dependency, or one a dependency brings (multer comes with
    // @nestjs/platform-express). Node's own modules need the node: prefix to be told apart.
    const missing = [...packages.keys()].filter((name) => !inProductionImage(name));
    expect(missing).toEqual([]);
    // Not vacuous: the walk reached the database library and the app's framework.
    expect(packages.has('@prisma/client') || packages.has('@prisma/adapter-pg')).toBe(true);
    expect(packages.has('@nestjs/core')).toBe(true);
  });

  it('has node-postgres and its Prisma adapter in the image (required at the first connection, which a walk of the imports does not see)', () => {
    const lazy = readFileSync(path.join(root, 'libs/db/src/node-postgres.ts'), 'utf8');
    for (const name of ['pg', '@prisma/adapter-pg']) {
      expect(lazy).toContain(`requireHere.resolve('${name}')`);
      expect(pkg.dependencies).toHaveProperty(name);
      expect(inProductionImage(name)).toBe(true);
    }
  });

  it('leaves PGlite and exceljs to import() at first use', () => {
    const embedded = readFileSync(path.join(root, 'libs/db/src/embedded-database.ts'), 'utf8');
    expect(embedded).toContain("import('@electric-sql/pglite')");
    const xlsx = readFileSync(path.join(root, 'apps/covid-pool/src/sheet/xlsx-file.source.ts'), 'utf8');
    expect(xlsx).toContain("import('exceljs')");
    expect(pkg.devDependencies).toHaveProperty('@electric-sql/pglite');
    expect(pkg.devDependencies).toHaveProperty('exceljs');
  });

  it('loads only the PostgreSQL query compiler of @prisma/client (the image deletes the others)', () => {
    const generated = path.join(root, 'libs/db/src/generated');
    const compilers = new Set<string>();
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(full);
        else
          for (const match of readFileSync(full, 'utf8').matchAll(
            /@prisma\/client\/runtime\/(query_[a-z_]+\.[a-z]+)/g,
          ))
            compilers.add(match[1] ?? '');
      }
    };
    walk(generated);
    expect(compilers.size).toBeGreaterThan(0);
    expect([...compilers].filter((name) => !name.includes('.postgresql'))).toEqual([]);
    expect(readFileSync(path.join(root, 'docker/Dockerfile'), 'utf8')).toContain(
      "! -name '*postgresql*' -delete",
    );
  });

  it('would see a static import of a devDependency (control: the XLSX demo workbook maker)', () => {
    const packages = packagesLoadedBy(path.join(root, 'simulators/sheets/make-demo-workbooks.ts'));
    expect(packages.get('exceljs')).toBe('simulators/sheets/make-demo-workbooks.ts');
    expect(staticImports(path.join(root, 'apps/covid-pool/src/sheet/xlsx-cell-text.util.ts'))).not.toContain(
      'exceljs',
    );
  });
});
