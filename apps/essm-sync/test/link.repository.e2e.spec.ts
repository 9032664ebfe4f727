import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestDatabase, type TestDatabase } from '@app/db';
import { LinkRepository } from '../src/timetable/link.repository.js';

// Against real PostgreSQL: the window's links read in chunks are the links read whole, in byte order.
describe('LinkRepository.findLinksStartingBetween', () => {
  let db: TestDatabase;
  let links: LinkRepository;
  const from = new Date('2025-10-01T00:00:00Z');
  const to = new Date('2026-01-01T00:00:00Z');
  // Byte order differs from a linguistic collation's for these (case, punctuation, digits).
  const references = [
    'termtime:a-1@R1',
    'termtime:B-1@R1',
    'termtime:b-1@R1',
    'termtime:A+B@R1',
    'termtime:A-10@R1',
    'termtime:A-2@R1',
    'termtime:A-2@R10',
    'termtime:A-2@R2',
    'termtime:Z_1@R1',
    'termtime:z.1@R1',
    'termtime:1@R1',
  ];

  beforeAll(async () => {
    db = await createTestDatabase();
    const prisma = db.prisma();
    const run = await prisma.jobRun.create({
      data: { app: 'essm-sync', job: 'sync-events', status: 'succeeded', trigger: 'test', dryRun: false },
    });
    await prisma.essmBookingLink.createMany({
      data: [
        ...references.map((reference, i) => ({
          reference,
          bookingId: 100 + i,
          hash: `hash-${i}`,
          roomCode: `R${i}`,
          eventIds: [reference],
          startsAt: new Date(from.getTime() + i * 3_600_000),
          runId: run.id,
        })),
        // Outside the window: never read.
        {
          reference: 'termtime:before@R1',
          bookingId: 1,
          hash: 'h',
          roomCode: 'R',
          eventIds: [],
          startsAt: new Date('2025-09-30T23:00:00Z'),
          runId: run.id,
        },
        {
          reference: 'termtime:after@R1',
          bookingId: 2,
          hash: 'h',
          roomCode: 'R',
          eventIds: [],
          startsAt: to,
          runId: run.id,
        },
      ],
    });
    links = new LinkRepository(db.prisma());
  });

  afterAll(async () => {
    await db.drop();
  });

  it('reads the same links in byte order whatever the chunk size', async () => {
    const byteOrder = [...references].sort();
    const whole = await links.findLinksStartingBetween(from, to);
    expect(whole.map((link) => link.reference)).toEqual(byteOrder);
    expect(whole[byteOrder.indexOf('termtime:A-2@R10')]).toEqual({
      reference: 'termtime:A-2@R10',
      bookingId: 106,
      hash: 'hash-6',
      roomCode: 'R6',
    });
    for (const size of [1, 2, 3, 5, 10, 11, 12, 1000]) {
      expect(await links.findLinksStartingBetween(from, to, size)).toEqual(whole);
    }
  });

  it('reads none from an empty window', async () => {
    const later = new Date('2027-01-01T00:00:00Z');
    expect(await links.findLinksStartingBetween(later, new Date(later.getTime() + 86_400_000), 2)).toEqual(
      [],
    );
  });
});
