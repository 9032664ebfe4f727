import { describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { importLocalOnly, LocalOnlyPackageMissingError } from './local-only.js';

const usage = { what: 'The embedded database', instead: 'Set DATABASE_URL to a PostgreSQL database.' };

describe('importLocalOnly', () => {
  it('loads an installed package', async () => {
    const { PGlite } = await importLocalOnly(
      '@electric-sql/pglite',
      () => import('@electric-sql/pglite'),
      usage,
    );
    expect(typeof PGlite.create).toBe('function');
  });

  it('says what to set instead when the package is not installed, as in the production image', async () => {
    const specifier = 'a-package-that-is-not-installed-anywhere';
    const missing = importLocalOnly(specifier, () => import(specifier), usage);
    await expect(missing).rejects.toThrow(LocalOnlyPackageMissingError);
    await expect(missing).rejects.toThrow(
      'The embedded database needs the package a-package-that-is-not-installed-anywhere, which is installed for local runs and tests only (a devDependency, left out of the production image). Set DATABASE_URL to a PostgreSQL database.',
    );
  });

  it('does so under Node itself, whose ES module loader reports a missing package its own way', () => {
    // Node 24 runs the TypeScript file directly (type stripping); no Jest resolver in between.
    const script = `
      const { importLocalOnly } = await import(${JSON.stringify(path.resolve('libs/db/src/local-only.ts'))});
      try {
        await importLocalOnly('exceljs-not-installed', () => import('exceljs-not-installed'), {
          what: 'The local XLSX sheet source', instead: 'Use SHEETS_SOURCE=google in production.' });
      } catch (error) { console.log(error.name + ': ' + error.message); }`;
    const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
    });
    expect(output.trim()).toBe(
      'LocalOnlyPackageMissingError: The local XLSX sheet source needs the package exceljs-not-installed, which is installed for local runs and tests only (a devDependency, left out of the production image). Use SHEETS_SOURCE=google in production.',
    );
  });

  it('passes on any other failure unchanged', async () => {
    const failure = new Error('the module threw while loading');
    await expect(importLocalOnly('exceljs', () => Promise.reject(failure), usage)).rejects.toBe(failure);
  });
});
