import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Test } from '@nestjs/testing';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DbModule, type DbModuleOptions, defaultAppClientsFile, selectPrismaClient } from './db.module.js';
import { appPrismaClient, PrismaService } from './prisma.service.js';
import { createTestDatabase, type TestDatabase } from './testing.js';

describe("an app's own Prisma client", () => {
  let db: TestDatabase;
  const connection = () => ({ url: db.url, poolSize: 2, connectTimeoutMs: 5000 });

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db.drop());

  it("holds the app's models and the platform's, not other apps', and queries the database", async () => {
    const client = await appPrismaClient('covid-pool', connection());
    if (client === undefined) throw new Error('no client was generated for covid-pool');
    try {
      expect(typeof client.college.findMany).toBe('function');
      expect(typeof client.jobRun.findMany).toBe('function');
      expect((client as unknown as Record<string, unknown>)['storageOrder']).toBeUndefined();
      await expect(client.college.count()).resolves.toBe(0);
      await expect(client.jobRun.count()).resolves.toBe(0);
    } finally {
      await client.$disconnect();
    }
  });

  it('is not there for an app with no generated client, nor for a name that is not an app folder name', async () => {
    await expect(appPrismaClient('no-such-app', connection())).resolves.toBeUndefined();
    await expect(appPrismaClient('../generated', connection())).resolves.toBeUndefined();
  });

  async function moduleWith(app: string | undefined, extra: Partial<DbModuleOptions> = {}) {
    const moduleRef = await Test.createTestingModule({
      imports: [
        DbModule.forRootAsync({
          useFactory: () => ({
            url: db.url,
            poolSize: 2,
            connectTimeoutMs: 5000,
            embeddedDataDir: '.',
            app,
            ...extra,
          }),
        }),
      ],
    }).compile();
    return { moduleRef, prisma: moduleRef.get(PrismaService) };
  }

  it('is what DbModule provides as PrismaService to an app named in its options, and is disconnected when the app closes', async () => {
    const { moduleRef, prisma } = await moduleWith('storage-gateway');
    expect(typeof prisma.storageOrder.findMany).toBe('function');
    expect((prisma as unknown as Record<string, unknown>)['college']).toBeUndefined();
    await expect(prisma.storageOrder.count()).resolves.toBe(0);
    const disconnect = prisma.$disconnect.bind(prisma);
    let disconnects = 0;
    prisma.$disconnect = () => {
      disconnects += 1;
      return disconnect();
    };
    await moduleRef.close();
    expect(disconnects).toBe(1);
  });

  it('DbModule provides the whole schema client without an app, or for an app with no client of its own', async () => {
    for (const app of [undefined, 'no-such-app']) {
      const { moduleRef, prisma } = await moduleWith(app);
      // The whole schema: another app's models too.
      await expect(prisma.college.count()).resolves.toBe(0);
      await expect(prisma.storageOrder.count()).resolves.toBe(0);
      await moduleRef.close();
    }
  });

  describe('which client, said once; a listed app without its client in production', () => {
    let dir: string;
    let listFile: string;
    const lines: { level: 'log' | 'warn'; text: string }[] = [];
    const logger = {
      log: (text: string) => lines.push({ level: 'log', text }),
      warn: (text: string) => lines.push({ level: 'warn', text }),
    };
    beforeAll(async () => {
      dir = await mkdtemp(path.join(os.tmpdir(), 'app-clients-'));
      listFile = path.join(dir, 'app-clients.json');
      // 'listed-app' is named (as every app of apps/manifest.json is) but has no generated client.
      await writeFile(listFile, JSON.stringify({ $comment: 'test', 'listed-app': [], 'covid-pool': [] }));
    });
    afterAll(() => rm(dir, { recursive: true, force: true }));

    const options = (app: string | undefined, extra: Partial<DbModuleOptions> = {}): DbModuleOptions => ({
      url: db.url,
      poolSize: 2,
      connectTimeoutMs: 5000,
      embeddedDataDir: '.',
      ...(app === undefined ? {} : { app }),
      appClientsFile: listFile,
      ...extra,
    });

    it("the default list is the repository's prisma/app-clients.json", () => {
      expect(defaultAppClientsFile()).toBe(path.resolve('prisma/app-clients.json'));
    });

    it('in production, refuses to boot a listed app whose client is missing, naming the path and db:generate', async () => {
      const failure = await moduleWith('listed-app', {
        nodeEnv: 'production',
        appClientsFile: listFile,
      }).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(Error);
      const message = (failure as Error).message;
      expect(message.split('\n')).toHaveLength(1);
      expect(message).toContain(path.join('generated', 'apps', 'listed-app'));
      expect(message).toContain('npm run db:generate');
      expect(message).not.toContain(db.url);
      // A list that cannot be read is refused in production too, naming the file.
      await expect(
        selectPrismaClient(
          options('listed-app', { nodeEnv: 'production', appClientsFile: path.join(dir, 'none.json') }),
          connection(),
          logger,
        ),
      ).rejects.toThrow(/none\.json/);
    });

    it('in production, an app the list does not name runs on the whole schema; a listed one with its client on its own', async () => {
      lines.length = 0;
      const whole = await selectPrismaClient(
        options('unlisted-app', { nodeEnv: 'production' }),
        connection(),
        logger,
      );
      await expect(whole.storageOrder.count()).resolves.toBe(0);
      await whole.$disconnect();
      const own = await selectPrismaClient(
        options('covid-pool', { nodeEnv: 'production' }),
        connection(),
        logger,
      );
      expect((own as unknown as Record<string, unknown>)['storageOrder']).toBeUndefined();
      await own.$disconnect();
      expect(lines).toEqual([
        { level: 'log', text: 'Prisma client: the whole schema (unlisted-app has none of its own)' },
        {
          level: 'log',
          text: expect.stringMatching(/^Prisma client: covid-pool's own \(.*generated.apps.covid-pool/),
        },
      ]);
    });

    it('outside production, a listed app whose client is missing falls back to the whole schema, with a warning', async () => {
      for (const nodeEnv of ['development', 'test']) {
        lines.length = 0;
        const prisma = await selectPrismaClient(options('listed-app', { nodeEnv }), connection(), logger);
        try {
          await expect(prisma.college.count()).resolves.toBe(0);
          await expect(prisma.storageOrder.count()).resolves.toBe(0);
        } finally {
          await prisma.$disconnect();
        }
        expect(lines).toHaveLength(1);
        expect(lines[0]?.level).toBe('warn');
        expect(lines[0]?.text).toMatch(
          /^Prisma client: the whole schema \(listed-app's own is missing .*npm run db:generate/,
        );
        expect(lines[0]?.text).not.toContain(db.url);
      }
      lines.length = 0;
      const none = await selectPrismaClient(options(undefined), connection(), logger);
      await none.$disconnect();
      expect(lines).toEqual([{ level: 'log', text: 'Prisma client: the whole schema (no app named)' }]);
    });
  });
});
