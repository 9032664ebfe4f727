import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ConflictException, NotFoundException, ServiceUnavailableException } from '@nestjs/common';
import net, { type Server, type Socket } from 'node:net';
import { Prisma } from './generated/client.js';
import { createTestDatabase, type TestDatabase } from './testing.js';
import { DatabaseBusyException, mapPrismaError } from './prisma-errors.js';
import { wholeSchemaPrismaClient } from './prisma.service.js';

const known = (code: string, message: string) =>
  new Prisma.PrismaClientKnownRequestError(message, { code, clientVersion: Prisma.prismaVersion.client });

describe('mapPrismaError', () => {
  it.each([
    ['P2002', 'Unique constraint failed', ConflictException],
    ['P2025', 'Record to update not found', NotFoundException],
    ['P2024', 'Timed out fetching a new connection from the connection pool', DatabaseBusyException],
    [
      'P2028',
      'Transaction API error: Unable to start a transaction in the given time.',
      DatabaseBusyException,
    ],
    [
      'P2028',
      'Transaction API error: A query cannot be executed on an expired transaction. The timeout for this transaction was 5000 ms',
      DatabaseBusyException,
    ],
  ])('%s "%s" becomes %p', (code, message, type) => {
    expect(mapPrismaError(known(code, message))).toBeInstanceOf(type);
  });

  // These P2028s are our own bugs, not load: a 503 would hide them behind retries.
  it.each([
    'Transaction API error: Transaction already closed: A query cannot be executed on a committed transaction.',
    "Transaction API error: Transaction not found. Transaction ID is invalid, refers to an old closed transaction Prisma doesn't have information about anymore",
    'Transaction API error: Internal Consistency Error: oops',
  ])('P2028 "%s" stays an error of ours (500)', (message) => {
    const error = known('P2028', message);
    expect(mapPrismaError(error)).toBe(error);
  });
});

describe('mapPrismaError on real connection failures', () => {
  let db: TestDatabase;
  let silent: Server;
  const sockets = new Set<Socket>();

  beforeAll(async () => {
    db = await createTestDatabase();
    // Accepts connections and never answers: a database that is down behind a black hole.
    silent = net.createServer((socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => silent.close(resolve));
    await db.drop();
  });

  it('a database that does not answer within the connect timeout is a 503 "not reachable"', async () => {
    const { port } = silent.address() as net.AddressInfo;
    const prisma = await wholeSchemaPrismaClient({
      url: `postgresql://postgres@127.0.0.1:${port}/nowhere`,
      poolSize: 1,
      connectTimeoutMs: 300,
    });
    try {
      const error = await prisma.$queryRaw`SELECT 1`.catch((e: unknown) => e);
      const mapped = mapPrismaError(error);
      expect(mapped).toBeInstanceOf(ServiceUnavailableException);
      expect(mapped).not.toBeInstanceOf(DatabaseBusyException);
      expect((mapped as ServiceUnavailableException).message).toBe('The database is not reachable');
    } finally {
      await prisma.$disconnect();
    }
  });

  it('a pool whose only connection is held is a 503 "busy" with Retry-After', async () => {
    const prisma = await wholeSchemaPrismaClient({ url: db.url, poolSize: 1, connectTimeoutMs: 300 });
    let release!: () => void;
    const held = prisma.$transaction(
      async (tx) => {
        await tx.$queryRaw`SELECT 1`;
        await new Promise<void>((resolve) => (release = resolve));
      },
      { timeout: 10_000 },
    );
    try {
      while (release === undefined) await new Promise((r) => setTimeout(r, 10));
      const error = await prisma.$queryRaw`SELECT 1`.catch((e: unknown) => e);
      const mapped = mapPrismaError(error);
      expect(mapped).toBeInstanceOf(DatabaseBusyException);
      expect((mapped as DatabaseBusyException).retryAfterSeconds).toBeGreaterThan(0);
    } finally {
      release();
      await held;
      await prisma.$disconnect();
    }
  });
});
