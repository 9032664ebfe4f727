// The storage domain against a real PostgreSQL database: products, quotes, orders and accounts as
// their services change them, with who may see and change what, and the audit trail.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { createTestDatabase, type PrismaService, type TestDatabase } from '@app/db';
import { JobRunRepository } from '@app/jobs';
import { AccountsService } from './accounts/accounts.service.js';
import { FixedClock } from './domain/clock.js';
import type { Person } from './domain/person.js';
import type { StorageSettings } from './domain/storage-settings.js';
import { OrderTasks, type OrderTaskName } from './domain/order-tasks.js';
import { OrdersService } from './orders/orders.service.js';
import type { ProductInput } from './products/product.types.js';
import { ProductsService } from './products/products.service.js';
import { QuotesService } from './quotes/quotes.service.js';

const admin: Person = { email: 'admin@cam.ac.uk', admin: true };
const ann: Person = { email: 'ann@cam.ac.uk', admin: false };
const bob: Person = { email: 'bob@cam.ac.uk', admin: false };
const eve: Person = { email: 'eve@cam.ac.uk', admin: false };

const RFS: ProductInput = {
  name: 'Research File Share',
  description: 'SMB/NFS share with snapshots',
  pricePerTbYear: 13_900,
  minTb: 1,
  maxTb: 100,
  stepTb: 1,
  termsYears: [1, 2, 3],
  active: true,
};

class RecordedTasks extends OrderTasks {
  readonly enqueued: { name: OrderTaskName; body: Record<string, string>; taskId: string }[] = [];
  enqueue(name: OrderTaskName, body: Record<string, string>, taskId: string): Promise<void> {
    this.enqueued.push({ name, body, taskId });
    return Promise.resolve();
  }
}

const settings: StorageSettings = {
  quoteValidDays: 30,
  reminderDays: [60, 30, 7],
  graceDays: 30,
  poMaxBytes: 10 * 1024 * 1024,
};

let db: TestDatabase;
let prisma: PrismaService;
let clock: FixedClock;
let tasks: RecordedTasks;
let products: ProductsService;
let accounts: AccountsService;
let quotes: QuotesService;
let orders: OrdersService;
let keys = 0;
const key = () => `form-key-${++keys}-${Date.now()}`;

beforeAll(async () => {
  db = await createTestDatabase();
  prisma = db.prisma();
  clock = new FixedClock(new Date('2026-11-26T10:00:00Z'));
  tasks = new RecordedTasks();
  const audit = new JobRunRepository(prisma);
  products = new ProductsService(prisma, audit);
  accounts = new AccountsService(prisma, audit, clock, tasks);
  quotes = new QuotesService(prisma, products, accounts, settings, clock);
  orders = new OrdersService(prisma, audit, tasks, clock);
  await products.put(admin, 'RFS', RFS);
});

afterAll(async () => {
  await db.drop();
});

beforeEach(() => {
  clock.set('2026-11-26T10:00:00Z');
  tasks.enqueued.length = 0;
});

async function newStorage(person: Person, sizeTb = 5, years = 1) {
  const quote = await quotes.create(person, { kind: 'new', productCode: 'RFS', sizeTb, years });
  const order = await orders.create(person, {
    quoteId: quote.id,
    paymentMethod: 'finance_code',
    paymentReference: 'u.pn.pnli.aaaa.elkz.0000',
    idempotencyKey: key(),
    account: { name: 'Imaging data', departmentCode: 'PN', departmentName: 'Physiology' },
  });
  return { quote, order };
}

/** Makes an account active from `startsOn` for a year, as provisioning would. */
async function activate(accountId: string, startsOn: string, expiresOn: string) {
  await prisma.storageAccount.update({
    where: { id: accountId },
    data: {
      state: 'active',
      startsOn: new Date(`${startsOn}T00:00:00Z`),
      expiresOn: new Date(`${expiresOn}T00:00:00Z`),
    },
  });
}

describe('products', () => {
  it('administrators write them, with an audit row; people see only those on sale', async () => {
    await products.put(admin, 'OLD', { ...RFS, name: 'Old product', active: false });
    expect((await products.list(ann)).map((p) => p.code)).toEqual(['RFS']);
    expect((await products.list(admin)).map((p) => p.code)).toEqual(['OLD', 'RFS']);
    await expect(products.get(ann, 'OLD')).rejects.toMatchObject({ status: 404 });
    const audit = await prisma.auditEvent.findMany({ where: { entityType: 'product', entityId: 'OLD' } });
    expect(audit).toMatchObject([
      { app: 'storage-gateway', actor: 'admin@cam.ac.uk', action: 'product.create' },
    ]);
  });

  it('a quote keeps the price it was made with', async () => {
    const quote = await quotes.create(ann, { kind: 'new', productCode: 'RFS', sizeTb: 2, years: 1 });
    await products.put(admin, 'RFS', { ...RFS, pricePerTbYear: 20_000 });
    try {
      expect((await quotes.show(ann, quote.id)).amountPence).toBe(27_800);
      expect(
        (await quotes.create(ann, { kind: 'new', productCode: 'RFS', sizeTb: 2, years: 1 })).amountPence,
      ).toBe(40_000);
    } finally {
      await products.put(admin, 'RFS', RFS);
    }
  });
});

describe('quotes', () => {
  it('are numbered, valid for 30 days, and refused with every problem named', async () => {
    const quote = await quotes.create(ann, { kind: 'new', productCode: 'RFS', sizeTb: 3, years: 2 });
    expect(quote).toMatchObject({
      reference: expect.stringMatching(/^Q-\d{6}$/),
      amountPence: 83_400,
      validUntil: '2026-12-26',
      periodStart: '2026-11-26',
      periodEnd: '2028-11-26',
      orderable: true,
    });
    await expect(
      quotes.create(ann, { kind: 'new', productCode: 'RFS', sizeTb: 101, years: 4 }),
    ).rejects.toMatchObject({
      status: 400,
      response: {
        problems: [
          { field: 'sizeTb', message: 'Research File Share goes up to 100 TB' },
          { field: 'years', message: 'Research File Share is sold for 1 year or 2 years or 3 years' },
        ],
      },
    });
    await expect(
      quotes.create(ann, { kind: 'new', productCode: 'NOPE', sizeTb: 1, years: 1 }),
    ).rejects.toMatchObject({ status: 400 });
  });

  it('are not shown to someone else (404, as if there were none)', async () => {
    const quote = await quotes.create(ann, { kind: 'new', productCode: 'RFS', sizeTb: 1, years: 1 });
    await expect(quotes.show(eve, quote.id)).rejects.toMatchObject({ status: 404 });
    await expect(quotes.show(eve, 'not-an-id')).rejects.toMatchObject({ status: 404 });
    expect((await quotes.show(admin, quote.id)).id).toBe(quote.id);
  });

  it("for an increase or a renewal need the account's owner or a manager", async () => {
    const { order } = await newStorage(ann);
    await activate(order.account.id, '2026-03-01', '2027-03-01');
    await expect(
      quotes.create(eve, { kind: 'increase', accountId: order.account.id, addTb: 1 }),
    ).rejects.toMatchObject({ status: 404 });
    const increase = await quotes.create(ann, { kind: 'increase', accountId: order.account.id, addTb: 2 });
    expect(increase).toMatchObject({
      kind: 'increase',
      amountPence: 7_236,
      sizeTb: 7,
      periodEnd: '2027-03-01',
    });
    await expect(
      quotes.create(ann, { kind: 'renewal', accountId: order.account.id, years: 1 }),
    ).rejects.toMatchObject({
      status: 400,
      response: {
        problems: [
          {
            field: 'account',
            message: 'renewal opens on 2026-12-31, 60 days before the expiry on 2027-03-01',
          },
        ],
      },
    });
  });
});

describe('orders', () => {
  it('a new-storage order makes a pending account owned by the buyer, and queues its payment check', async () => {
    const { quote, order } = await newStorage(ann);
    expect(order).toMatchObject({
      state: 'submitted',
      reference: expect.stringMatching(/^O-\d{6}$/),
      paymentReference: 'U.PN.PNLI.AAAA.ELKZ.0000',
      quote: { id: quote.id },
    });
    expect(tasks.enqueued).toEqual([
      { name: 'check-payment', body: { orderId: order.id }, taskId: `check-payment-${order.id}` },
    ]);
    const account = await accounts.show(ann, order.account.id);
    expect(account).toMatchObject({
      state: 'pending',
      owner: 'ann@cam.ac.uk',
      sizeTb: 5,
      myRole: 'owner',
      reference: expect.stringMatching(/^RFS-\d{6}$/),
    });
    expect((await quotes.show(ann, quote.id)).orderable).toBe(false);
  });

  it('the same form submitted twice, even at once, makes one order', async () => {
    const quote = await quotes.create(ann, { kind: 'new', productCode: 'RFS', sizeTb: 1, years: 1 });
    const request = {
      quoteId: quote.id,
      paymentMethod: 'purchase_order' as const,
      paymentReference: 'pn123456',
      idempotencyKey: key(),
      account: { name: 'Twice', departmentCode: 'PN', departmentName: 'Physiology' },
    };
    const [a, b] = await Promise.all([orders.create(ann, request), orders.create(ann, request)]);
    const c = await orders.create(ann, request);
    expect(new Set([a.id, b.id, c.id]).size).toBe(1);
    expect(await prisma.storageOrder.count({ where: { quoteId: quote.id } })).toBe(1);
    expect(await prisma.storageAccount.count({ where: { name: 'Twice' } })).toBe(1);
  });

  it("refuses a quote ordered already, an expired quote, another person's quote, and a missing account name", async () => {
    const { quote } = await newStorage(ann);
    await expect(
      orders.create(ann, {
        quoteId: quote.id,
        paymentMethod: 'finance_code',
        paymentReference: 'x',
        idempotencyKey: key(),
        account: { name: 'n', departmentCode: 'PN', departmentName: 'P' },
      }),
    ).rejects.toMatchObject({ status: 409 });

    const old = await quotes.create(ann, { kind: 'new', productCode: 'RFS', sizeTb: 1, years: 1 });
    clock.set('2026-12-27T09:00:00Z');
    await expect(
      orders.create(ann, {
        quoteId: old.id,
        paymentMethod: 'finance_code',
        paymentReference: 'x',
        idempotencyKey: key(),
        account: { name: 'n', departmentCode: 'PN', departmentName: 'P' },
      }),
    ).rejects.toMatchObject({
      status: 400,
      response: {
        problems: [{ field: 'quoteId', message: 'the quote was valid until 2026-12-26: ask for a new one' }],
      },
    });
    clock.set('2026-11-26T10:00:00Z');

    await expect(
      orders.create(eve, {
        quoteId: old.id,
        paymentMethod: 'finance_code',
        paymentReference: 'x',
        idempotencyKey: key(),
        account: { name: 'n', departmentCode: 'PN', departmentName: 'P' },
      }),
    ).rejects.toMatchObject({ status: 404 });
    await expect(
      orders.create(ann, {
        quoteId: old.id,
        paymentMethod: 'finance_code',
        paymentReference: 'x',
        idempotencyKey: key(),
      }),
    ).rejects.toMatchObject({
      status: 400,
      response: { problems: [{ field: 'account', message: 'is required for new storage' }] },
    });
    expect(await prisma.storageOrder.count({ where: { quoteId: old.id } })).toBe(0);
  });

  it('a voucher pays once, only for what it was made for, and is freed when its order fails', async () => {
    await prisma.storageVoucher.create({
      data: {
        code: 'FREE-1TB',
        productCode: 'RFS',
        sizeTb: 1,
        years: 1,
        note: 'College free year',
        createdBy: admin.email,
      },
    });
    const two = await quotes.create(ann, { kind: 'new', productCode: 'RFS', sizeTb: 2, years: 1 });
    const account = { name: 'Free', departmentCode: 'KC', departmentName: "King's College" };
    await expect(
      orders.create(ann, {
        quoteId: two.id,
        paymentMethod: 'voucher',
        paymentReference: 'free-1tb',
        idempotencyKey: key(),
        account,
      }),
    ).rejects.toMatchObject({
      status: 400,
      response: {
        problems: [{ field: 'paymentReference', message: 'voucher FREE-1TB covers 1 TB, not 2 TB' }],
      },
    });
    // nothing of the refused order stayed behind
    expect(await prisma.storageOrder.count({ where: { quoteId: two.id } })).toBe(0);
    expect(await prisma.storageAccount.count({ where: { name: 'Free' } })).toBe(0);

    const one = await quotes.create(ann, { kind: 'new', productCode: 'RFS', sizeTb: 1, years: 1 });
    const again = await quotes.create(bob, { kind: 'new', productCode: 'RFS', sizeTb: 1, years: 1 });
    const paid = await orders.create(ann, {
      quoteId: one.id,
      paymentMethod: 'voucher',
      paymentReference: 'FREE-1TB',
      idempotencyKey: key(),
      account,
    });
    await expect(
      orders.create(bob, {
        quoteId: again.id,
        paymentMethod: 'voucher',
        paymentReference: 'FREE-1TB',
        idempotencyKey: key(),
        account,
      }),
    ).rejects.toMatchObject({
      status: 400,
      response: {
        problems: [{ field: 'paymentReference', message: 'voucher FREE-1TB has been used already' }],
      },
    });

    await orders.cancel(ann, paid.id, 'changed my mind');
    expect(await prisma.storageVoucher.findUnique({ where: { code: 'FREE-1TB' } })).toMatchObject({
      usedByOrder: null,
      usedAt: null,
    });
    expect((await accounts.show(ann, paid.account.id)).state).toBe('closed');
    const reused = await orders.create(bob, {
      quoteId: again.id,
      paymentMethod: 'voucher',
      paymentReference: 'FREE-1TB',
      idempotencyKey: key(),
      account,
    });
    expect(reused.state).toBe('submitted');
  });

  it('moves only as the rules allow; a task delivered twice changes nothing; every move is audited', async () => {
    const { order } = await newStorage(ann);
    expect((await orders.move(order.id, 'start_payment_check', 'system')).changed).toBe(true);
    expect(await orders.move(order.id, 'start_payment_check', 'system')).toMatchObject({
      changed: false,
      order: { state: 'checking_payment' },
    });
    await orders.move(order.id, 'payment_accepted', 'system', undefined, { paymentCheck: { valid: true } });
    await expect(orders.approve(ann, order.id)).rejects.toMatchObject({ status: 403 });
    await expect(orders.reject(admin, order.id, undefined)).rejects.toMatchObject({ status: 400 });
    const approved = await orders.approve(admin, order.id, 'ok');
    expect(approved).toMatchObject({
      state: 'approved',
      decidedBy: 'admin@cam.ac.uk',
      paymentCheck: { valid: true },
    });
    expect(tasks.enqueued.map((t) => t.taskId)).toEqual([
      `check-payment-${order.id}`,
      `provision-${order.id}`,
    ]);
    await expect(orders.cancel(ann, order.id)).rejects.toMatchObject({
      status: 409,
      response: { message: 'the order has been approved: ask an administrator to cancel it' },
    });
    const audit = await prisma.auditEvent.findMany({
      where: { entityType: 'order', entityId: order.id },
      orderBy: { id: 'asc' },
    });
    expect(audit.map((a) => [a.action, a.actor])).toEqual([
      ['order.submit', 'ann@cam.ac.uk'],
      ['order.start_payment_check', 'storage-gateway'],
      ['order.payment_accepted', 'storage-gateway'],
      ['order.approve', 'admin@cam.ac.uk'],
    ]);
  });

  it("is visible to its buyer, the account's managers and administrators; the queue is oldest first", async () => {
    const { order } = await newStorage(bob);
    await expect(orders.show(eve, order.id)).rejects.toMatchObject({ status: 404 });
    expect((await orders.listMine(eve, 50)).map((o) => o.id)).not.toContain(order.id);
    expect((await orders.listMine(bob, 50)).map((o) => o.id)).toContain(order.id);
    const queue = await orders.queue({ states: ['submitted'], productCode: 'RFS', limit: 500 });
    const times = queue.map((o) => o.createdAt);
    expect([...times].sort()).toEqual(times);
    expect(queue.map((o) => o.id)).toContain(order.id);
  });
});

describe('accounts', () => {
  it('owners and managers change the people; others are told there is no such account', async () => {
    const { order } = await newStorage(ann);
    const id = order.account.id;
    await expect(accounts.show(bob, id)).rejects.toMatchObject({ status: 404 });
    await accounts.addManager(ann, id, bob.email);
    expect((await accounts.show(bob, id)).myRole).toBe('data-manager');
    const withProject = await accounts.createProject(bob, id, 'microscopy');
    const project = withProject.projects[0];
    await accounts.setProjectMember(bob, id, project.id, eve.email, 'user');
    const asEve = await accounts.show(eve, id);
    expect(asEve).toMatchObject({
      myRole: 'project-user',
      projects: [{ name: 'microscopy', users: ['eve@cam.ac.uk'], managers: [] }],
    });
    await expect(accounts.addManager(eve, id, 'mallory@cam.ac.uk')).rejects.toMatchObject({ status: 404 });
    await expect(accounts.createProject(bob, id, 'microscopy')).rejects.toMatchObject({ status: 409 });
    expect((await accounts.listMine(eve)).map((a) => a.id)).toContain(id);
    expect(
      (await accounts.listMine({ email: 'nobody@cam.ac.uk', admin: false })).map((a) => a.id),
    ).not.toContain(id);
  });

  it('only the owner hands the account on, and stays a manager', async () => {
    const { order } = await newStorage(ann);
    const id = order.account.id;
    await accounts.addManager(ann, id, bob.email);
    await expect(accounts.handOwnership(bob, id, bob.email)).rejects.toMatchObject({ status: 403 });
    const after = await accounts.handOwnership(ann, id, bob.email, 'leaving the lab');
    expect(after).toMatchObject({ owner: 'bob@cam.ac.uk', managers: ['ann@cam.ac.uk'] });
    const audit = await prisma.auditEvent.findFirst({
      where: { entityType: 'account', entityId: id, action: 'account.owner.change' },
    });
    expect(audit).toMatchObject({
      actor: 'ann@cam.ac.uk',
      before: { owner: 'ann@cam.ac.uk' },
      after: { owner: 'bob@cam.ac.uk' },
      reason: 'leaving the lab',
    });
  });
});

describe('what the pages ask', () => {
  it('prices new storage without making a quote, with the same problems as a quote', async () => {
    const before = await prisma.storageQuote.count();
    const priced = await quotes.preview(ann, { kind: 'new', productCode: 'RFS', sizeTb: 3, years: 2 });
    expect(priced).toMatchObject({ ok: true, quote: { amountPence: 3 * 2 * 13_900, sizeTb: 3, years: 2 } });
    expect(await quotes.preview(ann, { kind: 'new', productCode: 'RFS', sizeTb: 500, years: 1 })).toEqual({
      ok: false,
      problems: [{ field: 'sizeTb', message: 'Research File Share goes up to 100 TB' }],
    });
    expect(await quotes.preview(ann, { kind: 'new', productCode: 'NOPE', sizeTb: 1, years: 1 })).toEqual({
      ok: false,
      problems: [{ field: 'productCode', message: 'there is no product NOPE on sale' }],
    });
    expect(await prisma.storageQuote.count()).toBe(before);
  });

  it("prices an account's renewal without making a quote: backdated to the expiry, for its owner only", async () => {
    const { order } = await newStorage(bob, 2);
    await activate(order.account.id, '2025-10-01', '2026-10-01');
    const before = await prisma.storageQuote.count();
    const priced = await quotes.preview(bob, { kind: 'renewal', accountId: order.account.id, years: 1 });
    expect(priced).toMatchObject({
      ok: true,
      quote: { periodStart: '2026-10-01', periodEnd: '2027-10-01', amountPence: 2 * 13_900 },
    });
    await expect(
      quotes.preview(eve, { kind: 'renewal', accountId: order.account.id, years: 1 }),
    ).rejects.toMatchObject({
      status: 404,
    });
    expect(await prisma.storageQuote.count()).toBe(before);
  });

  it("lists the orders in progress of the buyer and the account's managers, oldest first, and no one else's", async () => {
    const first = await newStorage(bob);
    const second = await newStorage(bob);
    const done = await newStorage(bob);
    await orders.cancel(bob, done.order.id);
    await accounts.addManager(bob, first.order.account.id, eve.email);
    const mine = (await orders.inProgress(bob, 50)).map((o) => o.id);
    expect(mine).toEqual(expect.arrayContaining([first.order.id, second.order.id]));
    expect(mine).not.toContain(done.order.id);
    expect(mine.indexOf(first.order.id)).toBeLessThan(mine.indexOf(second.order.id));
    expect((await orders.inProgress(eve, 50)).map((o) => o.id)).toEqual([first.order.id]);
    expect((await orders.inProgress(eve, 50))[0]).toEqual({
      id: first.order.id,
      reference: first.order.reference,
      state: 'submitted',
      kind: 'new',
      sizeTb: 5,
      product: { name: 'Research File Share' },
      account: { id: first.order.account.id, name: 'Imaging data' },
    });
    expect((await orders.inProgress(ann, 50)).map((o) => o.id)).not.toContain(first.order.id);
  });

  it("lists an account's orders for those who may read them, and finds the order a form made", async () => {
    const { order } = await newStorage(bob);
    expect((await orders.forAccount(bob, order.account.id, 10)).map((o) => o.id)).toEqual([order.id]);
    expect((await orders.forAccount(admin, order.account.id, 10)).map((o) => o.id)).toEqual([order.id]);
    expect(await orders.forAccount(eve, order.account.id, 10)).toEqual([]);
    expect(await orders.forAccount(bob, 'not-an-id', 10)).toEqual([]);
    const made = await prisma.storageOrder.findUniqueOrThrow({ where: { id: order.id } });
    expect(await orders.findByKey(bob, made.idempotencyKey)).toBe(order.id);
    expect(await orders.findByKey(eve, made.idempotencyKey)).toBeNull();
  });
});

describe('orders whose task was lost', () => {
  it('are found by how long they have waited; a dry run queues nothing, a real one queues each pending task', async () => {
    const { order } = await newStorage(ann);
    await orders.move(order.id, 'start_payment_check', 'system');
    tasks.enqueued.length = 0;
    // updatedAt is the database's own time (Prisma's @updatedAt), not the fixed clock's: "later" is
    // two hours after now (a fixed date here passed only until that date).
    const later = new Date(Date.now() + 2 * 3600_000);
    const found = await orders.resumeStalled(later, null);
    expect(found).toContainEqual({ reference: order.reference, task: 'check-payment' });
    expect(tasks.enqueued).toEqual([]);
    await orders.resumeStalled(later, 'resume-2026112612');
    expect(tasks.enqueued).toContainEqual({
      name: 'check-payment',
      body: { orderId: order.id },
      taskId: `check-payment-${order.id}-resume-2026112612`,
    });
    // waited less than that: not concerned
    expect(await orders.resumeStalled(new Date('2020-01-01T00:00:00Z'), null)).toEqual([]);
  });
});
