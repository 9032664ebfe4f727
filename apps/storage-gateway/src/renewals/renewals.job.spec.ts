// The renewals job on a real database: reminders, expiry, suspension, emails and tasks, a dry run
// that changes nothing, and a second run the same day that changes nothing more.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestDatabase, type PrismaService, type PrismaTx, type TestDatabase } from '@app/db';
import { type AuditInput, type JobContext, JobRunRepository } from '@app/jobs';
import { createNotifications, type NotificationsHarness } from '@app/testing';
import { FixedClock } from '../domain/clock.js';
import { OrderTasks, type OrderTaskName } from '../domain/order-tasks.js';
import { RenewalsJob } from './renewals.job.js';

class RecordedTasks extends OrderTasks {
  readonly enqueued: { name: OrderTaskName; taskId: string }[] = [];
  enqueue(name: OrderTaskName, _body: Record<string, string>, taskId: string): Promise<void> {
    this.enqueued.push({ name, taskId });
    return Promise.resolve();
  }
}

let db: TestDatabase;
let prisma: PrismaService;
let notifications: NotificationsHarness;
let tasks: RecordedTasks;
let job: RenewalsJob;
const clock = new FixedClock(new Date('2026-12-01T06:00:00Z'));

function context(dryRun: boolean): JobContext {
  const audit = new JobRunRepository(prisma);
  return {
    runId: '00000000-0000-4000-8000-000000000001',
    app: 'storage-gateway',
    job: 'renewals',
    scope: null,
    dryRun,
    forcedDryRun: false,
    trigger: 'test',
    actor: 'scheduler',
    audit: (event: AuditInput, tx?: PrismaTx) =>
      audit.audit('storage-gateway', 'renewals', null, [event], tx),
    auditMany: (events: AuditInput[], tx?: PrismaTx) =>
      audit.audit('storage-gateway', 'renewals', null, events, tx),
    assertLockHeld: () => undefined,
  };
}

async function account(
  reference: string,
  state: string,
  expiresOn: string,
  remindersSent: number[] = [],
  backendAccess = 'read-write',
) {
  return prisma.storageAccount.create({
    data: {
      reference,
      productCode: 'RFS',
      name: `Data ${reference}`,
      departmentCode: 'PN',
      departmentName: 'Physiology',
      sizeTb: 1,
      state: state as 'active',
      startsOn: new Date('2025-01-01T00:00:00Z'),
      expiresOn: new Date(`${expiresOn}T00:00:00Z`),
      ownerEmail: `owner-${reference.toLowerCase()}@cam.ac.uk`,
      remindersSent,
      backendAccess,
    },
  });
}

beforeAll(async () => {
  db = await createTestDatabase();
  prisma = db.prisma();
  notifications = await createNotifications(db);
  tasks = new RecordedTasks();
  job = new RenewalsJob(
    prisma,
    notifications.outbox,
    tasks,
    { quoteValidDays: 30, reminderDays: [60, 30, 7], graceDays: 30, poMaxBytes: 1 },
    clock,
  );
  await prisma.storageProduct.create({
    data: {
      code: 'RFS',
      name: 'RFS',
      description: '',
      pricePerTbYear: 1,
      minTb: 1,
      maxTb: 10,
      stepTb: 1,
      termsYears: [1],
      updatedBy: 'test',
    },
  });
  const remind = await account('RFS-000001', 'active', '2027-01-30'); // 60 days: first reminder
  await prisma.storageAccountManager.create({ data: { accountId: remind.id, email: 'manager@cam.ac.uk' } });
  await account('RFS-000002', 'active', '2026-12-31', [60]); // 30 days
  await account('RFS-000003', 'active', '2026-12-01', [60, 30, 7]); // expires today
  await account('RFS-000004', 'expired', '2026-11-01', [60, 30, 7], 'read-only'); // 30 days of grace over
  await account('RFS-000005', 'active', '2027-06-01'); // far off: nothing
  await account('RFS-000006', 'expired', '2026-11-20', [60, 30, 7], 'read-only'); // in grace: nothing
});

afterAll(async () => {
  await notifications.close();
  await db.drop();
});

describe('renewals', () => {
  it('a dry run lists what would happen and changes nothing', async () => {
    const before = await prisma.storageAccount.findMany({ orderBy: { reference: 'asc' } });
    const outcome = await job.run(context(true));
    expect(outcome.summary).toMatchObject({
      reminders: 2,
      expired: 1,
      suspended: 1,
      actions: [
        { kind: 'suspend', account: 'RFS-000004' },
        { kind: 'expire', account: 'RFS-000003' },
        { kind: 'remind', account: 'RFS-000002', daysBefore: 30 },
        { kind: 'remind', account: 'RFS-000001', daysBefore: 60 },
      ],
    });
    expect(await prisma.storageAccount.findMany({ orderBy: { reference: 'asc' } })).toEqual(before);
    expect(await prisma.outboxEmail.count()).toBe(0);
    expect(tasks.enqueued).toEqual([]);
  });

  it('sends each reminder once, moves expired and suspended storage, emails owners and managers, queues access changes', async () => {
    const outcome = await job.run(context(false));
    expect(outcome).toMatchObject({
      status: 'succeeded',
      summary: { reminders: 2, expired: 1, suspended: 1, emailsQueued: 4 },
    });
    const states = await prisma.storageAccount.findMany({
      orderBy: { reference: 'asc' },
      select: { reference: true, state: true, remindersSent: true },
    });
    expect(states).toEqual([
      { reference: 'RFS-000001', state: 'active', remindersSent: [60] },
      { reference: 'RFS-000002', state: 'active', remindersSent: [60, 30] },
      { reference: 'RFS-000003', state: 'expired', remindersSent: [60, 30, 7] },
      { reference: 'RFS-000004', state: 'suspended', remindersSent: [60, 30, 7] },
      { reference: 'RFS-000005', state: 'active', remindersSent: [] },
      { reference: 'RFS-000006', state: 'expired', remindersSent: [60, 30, 7] },
    ]);
    const emails = (await prisma.outboxEmail.findMany()).map((e) => [e.recipients, e.subject]);
    expect(emails.sort((a, b) => String(a[1]).localeCompare(String(b[1])))).toEqual([
      [
        ['owner-rfs-000001@cam.ac.uk', 'manager@cam.ac.uk'],
        'Research storage RFS-000001 expires on 2027-01-30',
      ],
      [['owner-rfs-000002@cam.ac.uk'], 'Research storage RFS-000002 expires on 2026-12-31'],
      [['owner-rfs-000003@cam.ac.uk'], 'Research storage RFS-000003 has expired and is now read-only'],
      [['owner-rfs-000004@cam.ac.uk'], 'Research storage RFS-000004 is suspended'],
    ]);
    expect(tasks.enqueued.map((t) => t.name)).toEqual(['apply-access', 'apply-access']);
    const audit = await prisma.auditEvent.findMany({
      where: { app: 'storage-gateway' },
      orderBy: { action: 'asc' },
    });
    expect(audit.map((a) => a.action)).toEqual(['account.expire', 'account.suspend']);
  });

  it('a second run the same day changes nothing and sends nothing', async () => {
    tasks.enqueued.length = 0;
    const outcome = await job.run(context(false));
    expect(outcome.summary).toMatchObject({ reminders: 0, expired: 0, suspended: 0, emailsQueued: 0 });
    expect(await prisma.outboxEmail.count()).toBe(4);
  });

  it('re-queues access the backend was never told (a lost task) until it is applied', async () => {
    tasks.enqueued.length = 0;
    clock.set('2026-12-02T06:00:00Z');
    const outcome = await job.run(context(false));
    // yesterday's apply-access tasks never ran: nothing has recorded read-only and none yet
    expect(outcome.summary).toMatchObject({
      accessReapplied: 2,
      actions: [
        { kind: 'reapply-access', account: 'RFS-000004' },
        { kind: 'reapply-access', account: 'RFS-000003' },
      ],
    });
    expect(tasks.enqueued.map((t) => t.taskId)).toEqual([
      expect.stringMatching(/-2026-12-02$/),
      expect.stringMatching(/-2026-12-02$/),
    ]);
    // once applied, nothing more
    await prisma.storageAccount.updateMany({
      where: { reference: 'RFS-000003' },
      data: { backendAccess: 'read-only' },
    });
    await prisma.storageAccount.updateMany({
      where: { reference: 'RFS-000004' },
      data: { backendAccess: 'none' },
    });
    expect((await job.run(context(false))).summary).toMatchObject({ accessReapplied: 0, actions: [] });
  });
});
