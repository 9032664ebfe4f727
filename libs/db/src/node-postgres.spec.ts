import { describe, expect, it } from '@jest/globals';
import { PrismaPg } from '@prisma/adapter-pg';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { lazyPgAdapter } from './node-postgres.js';

const run = promisify(execFile);

/**
 * Runs `body` (an ES module's text) in a Node process of its own, where `./x.js` imports of this
 * folder's TypeScript files resolve to `./x.ts` (Node strips the types): this process has loaded pg
 * already, and Jest has module loading of its own. Returns what the body printed, parsed.
 */
async function inFreshProcess(body: string): Promise<unknown> {
  const script = `
    import { registerHooks } from 'node:module';
    import { existsSync } from 'node:fs';
    registerHooks({
      resolve(specifier, context, next) {
        if (specifier.startsWith('.') && specifier.endsWith('.js')) {
          const ts = new URL(specifier.replace(/\\.js$/, '.ts'), context.parentURL);
          if (existsSync(ts)) return next(ts.href, context);
        }
        return next(specifier, context);
      },
    });
    ${body}
  `;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
    cwd: fileURLToPath(new URL('../../..', import.meta.url)),
  });
  return JSON.parse(stdout.trim());
}

const here = (file: string) => JSON.stringify(fileURLToPath(new URL(file, import.meta.url)));

describe('node-postgres, loaded at the first connection', () => {
  it('is the factory Prisma sees from PrismaPg: the same provider and adapter name', () => {
    const config = { connectionString: 'postgresql://nobody@127.0.0.1:1/none' };
    const lazy = lazyPgAdapter(() => config);
    const real = new PrismaPg(config);
    expect({ provider: lazy.provider, adapterName: lazy.adapterName }).toEqual({
      provider: real.provider,
      adapterName: real.adapterName,
    });
  });

  it.each([
    ['a URL with its password', false],
    ['an IAM login (a password asked on each connection)', true],
  ])(
    'a Prisma client made as the apps make theirs, with %s, loads neither pg nor the adapter until it connects',
    async (_, iam) => {
      const outcome = await inFreshProcess(`
        import { createRequire } from 'node:module';
        const { connectedPrismaClient } = await import(${here('./prisma.service.ts')});
        const { nodePostgres } = await import(${here('./node-postgres.ts')});
        const cache = () => Object.keys(createRequire(import.meta.url).cache);
        const loaded = () => ({
          pg: cache().some((f) => /node_modules[\\\\/]pg[\\\\/]lib[\\\\/]index\\.js$/.test(f)),
          adapter: cache().some((f) => /node_modules[\\\\/]@prisma[\\\\/]adapter-pg[\\\\/]/.test(f)),
        });
        // Stands in for a generated PrismaClient: it keeps what it was given.
        class Client { constructor(options) { this.options = options; } }
        const client = connectedPrismaClient(Client, {
          url: 'postgresql://nobody@127.0.0.1:1/none',
          poolSize: 2,
          connectTimeoutMs: 500,
          ${iam ? "password: async () => 'token'," : ''}
        });
        const before = loaded();
        const driver = await client.options.adapter.connect();
        const after = loaded();
        const pool = driver.underlyingDriver();
        const pg = nodePostgres();
        const result = {
          before,
          after,
          samePg: pg === (await import('pg')).default,
          poolClient: pool.Client === pg.Client ? 'pg.Client' : pool.Client.prototype instanceof pg.Client ? 'a subclass of pg.Client' : 'other',
        };
        await driver.dispose();
        console.log(JSON.stringify(result));
      `);
      expect(outcome).toEqual({
        before: { pg: false, adapter: false },
        after: { pg: true, adapter: true },
        samePg: true,
        poolClient: iam ? 'a subclass of pg.Client' : 'pg.Client',
      });
    },
  );
});
