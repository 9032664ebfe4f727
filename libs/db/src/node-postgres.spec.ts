import { describe, expect, it } from '@jest/globals';
import { PrismaPg } from '@prisma/adapter-pg';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { lazyPgAdapter, nodePostgres } from './node-postgres.js';

const run = promisify(execFile);

describe('node-postgres, loaded at the first connection', () => {
  it('is the factory Prisma sees from PrismaPg: the same provider and adapter name', () => {
    const config = { connectionString: 'postgresql://nobody@127.0.0.1:1/none' };
    const lazy = lazyPgAdapter(config);
    const real = new PrismaPg(config);
    expect({ provider: lazy.provider, adapterName: lazy.adapterName }).toEqual({
      provider: real.provider,
      adapterName: real.adapterName,
    });
  });

  it('gives the pg that @prisma/adapter-pg and an import of pg use (one copy of its classes)', async () => {
    const imported = (await import('pg')).default;
    expect(nodePostgres()).toBe(imported);
  });

  it('loads neither pg nor the adapter until Prisma connects, then both', async () => {
    // A process of its own: this one has loaded pg already. Node runs the TypeScript file as it is
    // (it imports only node:module and types).
    const file = fileURLToPath(new URL('./node-postgres.ts', import.meta.url));
    const script = `
      import { createRequire } from 'node:module';
      const { lazyPgAdapter } = await import(${JSON.stringify(file)});
      const loaded = () => Object.keys(createRequire(import.meta.url).cache)
        .filter((f) => /node_modules[\\\\/](pg|@prisma[\\\\/]adapter-pg)[\\\\/]/.test(f)).length > 0;
      const adapter = lazyPgAdapter({ connectionString: 'postgresql://nobody@127.0.0.1:1/none', connectionTimeoutMillis: 500 });
      const before = loaded();
      const driver = await adapter.connect();
      const after = loaded();
      await driver.dispose();
      console.log(JSON.stringify({ before, after, driver: driver.adapterName }));
    `;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
      cwd: fileURLToPath(new URL('../../..', import.meta.url)),
    });
    expect(JSON.parse(stdout.trim())).toEqual({ before: false, after: true, driver: '@prisma/adapter-pg' });
  });
});
