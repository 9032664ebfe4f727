import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Test } from '@nestjs/testing';
import { DbModule } from './db.module.js';
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

  async function moduleWith(app: string | undefined) {
    const moduleRef = await Test.createTestingModule({
      imports: [
        DbModule.forRootAsync({
          useFactory: () => ({ url: db.url, poolSize: 2, connectTimeoutMs: 5000, embeddedDataDir: '.', app }),
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
});
