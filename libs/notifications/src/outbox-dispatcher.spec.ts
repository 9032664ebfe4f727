import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { createTestDatabase, type PrismaService, type TestDatabase } from '@app/db';
import {
  createNotifications,
  type NotificationsHarness,
  startTestSmtpServer,
  type TestSmtpServer,
} from '@app/testing';

describe('OutboxDispatcher.dispatchDue against an SMTP server', () => {
  let db: TestDatabase;
  let prisma: PrismaService;
  let smtp: TestSmtpServer;
  let harness: NotificationsHarness;
  const maxAttempts = 3;

  beforeAll(async () => {
    db = await createTestDatabase();
    prisma = db.prisma();
    smtp = await startTestSmtpServer();
    harness = await createNotifications(db, { smtpUrl: smtp.url, maxAttempts, baseRetryDelayMs: 60_000 });
  });
  afterAll(async () => {
    await harness.close();
    await smtp.close();
    await db.drop();
  });
  beforeEach(async () => {
    await prisma.outboxEmail.deleteMany();
    smtp.received.length = 0;
    smtp.rejectWith = undefined;
  });

  const message = {
    to: ['alice@example.org', 'bob@example.org'],
    subject: 'Your pools',
    text: 'Row 3 has no code.',
  };
  const row = (id: bigint) => prisma.outboxEmail.findUniqueOrThrow({ where: { id } });

  it('sends a due message and marks it sent', async () => {
    const { id } = await harness.outbox.sendEmail(message);
    const result = await harness.dispatcher.dispatchDue();
    expect(result).toEqual({ sent: 1, failed: 0, dead: 0, pending: 0 });
    expect(smtp.received).toHaveLength(1);
    const [mail] = smtp.received;
    expect(mail?.from).toBe('noreply@example.org');
    expect(mail?.to).toEqual(['alice@example.org', 'bob@example.org']);
    expect(mail?.raw).toMatch(/^Subject: Your pools\r$/m);
    expect(mail?.raw).toContain('Row 3 has no code.');
    expect(await row(id)).toMatchObject({
      status: 'sent',
      attempts: 1,
      lastError: null,
      sentAt: expect.any(Date),
    });
  });

  it('keeps a rejected message pending with a later retry, and retries only once that time comes', async () => {
    const { id } = await harness.outbox.sendEmail(message);
    smtp.rejectWith = 550;
    const start = new Date();
    expect(await harness.dispatcher.dispatchDue({ now: start })).toEqual({
      sent: 0,
      failed: 1,
      dead: 0,
      pending: 1,
    });
    const failed = await row(id);
    expect(failed).toMatchObject({ status: 'pending', attempts: 1, sentAt: null });
    expect(failed.lastError).toMatch(/550/);
    expect(failed.nextAttemptAt.getTime()).toBeGreaterThan(start.getTime());

    smtp.rejectWith = undefined;
    const early = new Date(failed.nextAttemptAt.getTime() - 1);
    expect(await harness.dispatcher.dispatchDue({ now: early })).toEqual({
      sent: 0,
      failed: 0,
      dead: 0,
      pending: 1,
    });
    expect(await row(id)).toMatchObject({ status: 'pending', attempts: 1 });

    const due = new Date(failed.nextAttemptAt.getTime() + 1);
    expect(await harness.dispatcher.dispatchDue({ now: due })).toEqual({
      sent: 1,
      failed: 0,
      dead: 0,
      pending: 0,
    });
    expect(await row(id)).toMatchObject({ status: 'sent', attempts: 2 });
    expect(smtp.received).toHaveLength(1);
  });

  it('backs off exponentially and marks the message dead after maxAttempts, keeping it', async () => {
    const { id } = await harness.outbox.sendEmail(message);
    smtp.rejectWith = 554;
    let now = new Date();
    const delays: number[] = [];
    for (let attempt = 1; attempt < maxAttempts; attempt++) {
      expect(await harness.dispatcher.dispatchDue({ now })).toMatchObject({ failed: 1, dead: 0 });
      const next = (await row(id)).nextAttemptAt;
      delays.push(next.getTime() - now.getTime());
      now = next;
    }
    expect(delays[0]).toBeGreaterThanOrEqual(60_000);
    expect(delays[0]).toBeLessThanOrEqual(66_000);
    expect(delays[1]).toBeGreaterThanOrEqual(120_000);
    expect(delays[1]).toBeLessThanOrEqual(132_000);

    expect(await harness.dispatcher.dispatchDue({ now })).toEqual({
      sent: 0,
      failed: 0,
      dead: 1,
      pending: 0,
    });
    const dead = await row(id);
    expect(dead).toMatchObject({
      status: 'dead',
      attempts: maxAttempts,
      sentAt: null,
      textBody: message.text,
    });
    expect(dead.lastError).toMatch(/554/);

    const later = new Date(now.getTime() + 24 * 3600_000);
    expect(await harness.dispatcher.dispatchDue({ now: later })).toEqual({
      sent: 0,
      failed: 0,
      dead: 0,
      pending: 0,
    });
    expect(smtp.received).toHaveLength(0);
  });

  it('sends due messages oldest first, up to the limit, and leaves the rest pending', async () => {
    for (const subject of ['first', 'second', 'third'])
      await harness.outbox.sendEmail({ ...message, subject });
    expect(await harness.dispatcher.dispatchDue({ limit: 2 })).toEqual({
      sent: 2,
      failed: 0,
      dead: 0,
      pending: 1,
    });
    expect(smtp.received.map((m) => /^Subject: (.*)\r$/m.exec(m.raw)?.[1])).toEqual(['first', 'second']);
  });

  it('does not count or send a message that is not due yet', async () => {
    const { id } = await harness.outbox.sendEmail(message);
    const created = (await row(id)).nextAttemptAt;
    const before = new Date(created.getTime() - 1000);
    expect(await harness.dispatcher.countDue(before)).toBe(0);
    expect(await harness.dispatcher.countDue(created)).toBe(1);
    const result = await harness.dispatcher.dispatchDue({ now: before });
    expect(result).toEqual({ sent: 0, failed: 0, dead: 0, pending: 1 });
    expect(smtp.received).toHaveLength(0);
  });
});
