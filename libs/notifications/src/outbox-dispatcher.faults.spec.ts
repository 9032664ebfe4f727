import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { createTestDatabase, type PrismaService, type TestDatabase } from '@app/db';
import {
  closedSmtpUrl,
  createNotifications,
  type NotificationsHarness,
  startTestSmtpServer,
  type TestSmtpServer,
} from '@app/testing';

describe('OutboxDispatcher.dispatchDue: no server, no SMTP, two dispatchers', () => {
  let db: TestDatabase;
  let prisma: PrismaService;
  let smtp: TestSmtpServer;
  const opened: NotificationsHarness[] = [];
  const open = async (
    ...args: Parameters<typeof createNotifications> extends [unknown, ...infer R] ? R : never
  ) => {
    const harness = await createNotifications(db, ...args);
    opened.push(harness);
    return harness;
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    prisma = db.prisma();
    smtp = await startTestSmtpServer();
  });
  afterAll(async () => {
    await Promise.all(opened.map((h) => h.close()));
    await smtp.close();
    await db.drop();
  });
  beforeEach(async () => {
    await prisma.outboxEmail.deleteMany();
    smtp.received.length = 0;
    smtp.refused.clear();
  });

  const message = {
    to: ['alice@example.org'],
    subject: 'Storage renewed',
    text: 'Your storage was renewed.',
  };

  it('treats an unreachable server as a failed attempt, loses nothing and stops the run', async () => {
    const url = await closedSmtpUrl();
    const harness = await open({ smtpUrl: url.replace('smtp://', 'smtp://mailuser:s3cret-pass@') });
    const { id } = await harness.outbox.sendEmail(message);
    const other = await harness.outbox.sendEmail({ ...message, subject: 'not tried in this run' });
    const start = new Date();
    const result = await harness.dispatcher.dispatchDue({ now: start });
    expect(result).toEqual({
      sent: 0,
      failed: 1,
      dead: 0,
      pending: 2,
      stoppedEarly: expect.stringMatching(/could not be used \(ESOCKET\)/),
    });
    const row = await prisma.outboxEmail.findUniqueOrThrow({ where: { id } });
    expect(row).toMatchObject({ status: 'pending', attempts: 1, textBody: message.text });
    expect(row.lastError).toMatch(/^ESOCKET: .*ECONNREFUSED/);
    expect(row.lastError).not.toMatch(/s3cret-pass|mailuser/);
    expect(row.nextAttemptAt.getTime()).toBeGreaterThan(start.getTime());
    const untouched = await prisma.outboxEmail.findUniqueOrThrow({ where: { id: other.id } });
    expect(untouched).toMatchObject({ status: 'pending', attempts: 0, lastError: null });
  });

  it('with no SMTP server configured, sends nothing and leaves the rows untouched', async () => {
    const harness = await open({});
    await harness.outbox.sendEmail(message);
    await harness.outbox.sendEmail({ ...message, subject: 'another' });
    const before = await prisma.outboxEmail.findMany({ orderBy: { id: 'asc' } });
    const result = await harness.dispatcher.dispatchDue();
    expect(result).toEqual({ sent: 0, failed: 0, dead: 0, pending: 2, skipped: 'no-smtp' });
    expect(await prisma.outboxEmail.findMany({ orderBy: { id: 'asc' } })).toEqual(before);
  });

  it('marks a message sent when only some recipients are refused, naming them', async () => {
    const harness = await open({ smtpUrl: smtp.url });
    smtp.refused.add('gone@example.org');
    const { id } = await harness.outbox.sendEmail({
      ...message,
      to: ['alice@example.org', 'gone@example.org'],
    });
    expect(await harness.dispatcher.dispatchDue()).toMatchObject({ sent: 1, failed: 0 });
    expect(smtp.received.map((m) => m.to)).toEqual([['alice@example.org']]);
    const row = await prisma.outboxEmail.findUniqueOrThrow({ where: { id } });
    expect(row).toMatchObject({ status: 'sent', lastError: expect.stringContaining('gone@example.org') });
  });

  it('two dispatchers running at once send each message exactly once', async () => {
    const first = await open({ smtpUrl: smtp.url });
    const second = await open({ smtpUrl: smtp.url });
    const subjects = Array.from({ length: 24 }, (_, i) => `message ${i}`);
    for (const subject of subjects) await first.outbox.sendEmail({ ...message, subject });

    const [a, b] = await Promise.all([first.dispatcher.dispatchDue(), second.dispatcher.dispatchDue()]);
    expect(a.sent + b.sent).toBe(subjects.length);
    expect(a.failed + b.failed + a.dead + b.dead).toBe(0);
    const received = smtp.received.map((m) => /^Subject: (.*)\r$/m.exec(m.raw)?.[1]);
    expect(received).toHaveLength(subjects.length);
    expect(new Set(received)).toEqual(new Set(subjects));
    expect(await prisma.outboxEmail.count({ where: { status: 'sent', attempts: 1 } })).toBe(subjects.length);
  });
});
