import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { createTestDatabase, type PrismaService, type TestDatabase } from '@app/db';
import { createNotifications, type NotificationsHarness, recordingLogger } from '@app/testing';
import { InvalidEmailError } from './outbox.util.js';

describe('EmailOutbox.sendEmail', () => {
  let db: TestDatabase;
  let prisma: PrismaService;
  let harness: NotificationsHarness;
  const logLines: string[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    prisma = db.prisma();
    harness = await createNotifications(db, {}, recordingLogger(logLines));
  });
  afterAll(async () => {
    await harness.close();
    await db.drop();
  });
  beforeEach(async () => {
    await prisma.outboxEmail.deleteMany();
    logLines.length = 0;
  });

  const message = {
    to: ['alice@example.org', 'bob@example.ac.uk'],
    subject: 'Pools sheet',
    text: 'Row 3: bad code',
  };

  it('writes one pending row with the message', async () => {
    const result = await harness.outbox.sendEmail(message);
    expect(result.duplicate).toBe(false);
    const rows = await prisma.outboxEmail.findMany();
    expect(rows).toEqual([
      expect.objectContaining({
        id: result.id,
        app: 'test-app',
        recipients: message.to,
        subject: 'Pools sheet',
        textBody: 'Row 3: bad code',
        dedupeKey: null,
        status: 'pending',
        attempts: 0,
        lastError: null,
        sentAt: null,
      }),
    ]);
  });

  it('writes nothing when the caller transaction rolls back, and the row when it commits', async () => {
    await expect(
      prisma.$transaction(async (tx) => {
        await harness.outbox.sendEmail({ ...message, subject: 'rolled back' }, tx);
        throw new Error('caller change failed');
      }),
    ).rejects.toThrow('caller change failed');
    expect(await prisma.outboxEmail.count()).toBe(0);

    await prisma.$transaction(async (tx) => {
      await harness.outbox.sendEmail({ ...message, subject: 'committed' }, tx);
    });
    expect((await prisma.outboxEmail.findMany()).map((r) => r.subject)).toEqual(['committed']);
  });

  it('queues a message once per dedupeKey and returns the existing row', async () => {
    const first = await harness.outbox.sendEmail({ ...message, dedupeKey: 'import:42' });
    const second = await harness.outbox.sendEmail({ ...message, subject: 'again', dedupeKey: 'import:42' });
    expect(second).toEqual({ id: first.id, duplicate: true });
    expect((await prisma.outboxEmail.findMany()).map((r) => r.subject)).toEqual(['Pools sheet']);
  });

  it('leaves the caller transaction usable after a duplicate', async () => {
    await harness.outbox.sendEmail({ ...message, dedupeKey: 'k1' });
    const results = await prisma.$transaction(async (tx) => [
      await harness.outbox.sendEmail({ ...message, dedupeKey: 'k1' }, tx),
      await harness.outbox.sendEmail({ ...message, subject: 'second key', dedupeKey: 'k2' }, tx),
    ]);
    expect(results.map((r) => r.duplicate)).toEqual([true, false]);
    expect((await prisma.outboxEmail.findMany({ orderBy: { id: 'asc' } })).map((r) => r.dedupeKey)).toEqual([
      'k1',
      'k2',
    ]);
  });

  it.each([
    [[], /at least one recipient/],
    [['not-an-address'], /Recipient 1 is not a plausible email address: "not-an-address"/],
    [['ok@example.org', 'two@@example.org'], /Recipient 2 is not a plausible/],
    [['x@localhost'], /Recipient 1/],
    [['Alice <alice@example.org>'], /Recipient 1/],
    [['a@example.org\r\nBcc: evil@example.org'], /Recipient 1/],
  ])('refuses recipients %j with a clear error and writes nothing', async (to, error) => {
    const attempt = harness.outbox.sendEmail({ ...message, to });
    await expect(attempt).rejects.toBeInstanceOf(InvalidEmailError);
    await expect(harness.outbox.sendEmail({ ...message, to })).rejects.toThrow(error);
    expect(await prisma.outboxEmail.count()).toBe(0);
  });

  it('refuses an empty subject', async () => {
    await expect(harness.outbox.sendEmail({ ...message, subject: ' \n ' })).rejects.toThrow(
      /needs a subject/,
    );
    expect(await prisma.outboxEmail.count()).toBe(0);
  });

  it('with no SMTP server, logs one line naming recipients and subject but not the body', async () => {
    await harness.outbox.sendEmail(message);
    expect(logLines).toHaveLength(1);
    expect(logLines[0]).toContain('alice@example.org, bob@example.ac.uk');
    expect(logLines[0]).toContain('"Pools sheet"');
    expect(logLines[0]).not.toContain('bad code');
  });
});

describe('EmailOutbox.sendEmails', () => {
  let db: TestDatabase;
  let prisma: PrismaService;
  let harness: NotificationsHarness;

  beforeAll(async () => {
    db = await createTestDatabase();
    prisma = db.prisma();
    harness = await createNotifications(db, {}, recordingLogger([]));
  });
  afterAll(async () => {
    await harness.close();
    await db.drop();
  });

  it('queues many messages in one statement, each once per dedupeKey', async () => {
    await harness.outbox.sendEmail({
      to: ['a@example.org'],
      subject: 'first',
      text: '',
      dedupeKey: 'reminder:1:60',
    });
    const queued = await harness.outbox.sendEmails([
      { to: ['a@example.org'], subject: 'again', text: '', dedupeKey: 'reminder:1:60' },
      { to: ['b@example.org'], subject: 'b', text: 'x', dedupeKey: 'reminder:2:60' },
      { to: ['c@example.org'], subject: 'c', text: 'y' },
    ]);
    expect(queued).toBe(2);
    expect((await prisma.outboxEmail.findMany({ orderBy: { id: 'asc' } })).map((r) => r.subject)).toEqual([
      'first',
      'b',
      'c',
    ]);
    expect(await harness.outbox.sendEmails([])).toBe(0);
  });

  it('refuses the whole batch when one message is not sendable, queueing none', async () => {
    const before = await prisma.outboxEmail.count();
    await expect(
      harness.outbox.sendEmails([
        { to: ['ok@example.org'], subject: 'fine', text: '' },
        { to: ['not an address'], subject: 'bad', text: '' },
      ]),
    ).rejects.toBeInstanceOf(InvalidEmailError);
    expect(await prisma.outboxEmail.count()).toBe(before);
  });
});
