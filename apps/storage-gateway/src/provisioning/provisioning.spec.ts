// Provisioning through the real backend client against the storage backend simulator, on a real
// database: new storage, an increase, a renewal after expiry, repeated and late tasks, a backend
// that refuses or is down.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { createTestDatabase, type PrismaService, type TestDatabase } from '@app/db';
import { UpstreamError } from '@app/http';
import { JobRunRepository } from '@app/jobs';
import type { RunningSimulator } from '../../../../simulators/common/simulator.js';
import { StorageBackendSimulator } from '../../../../simulators/storage-backend/storage-backend.simulator.js';
import { AccountsService } from '../accounts/accounts.service.js';
import { StorageBackendClient } from '../backend/storage-backend.client.js';
import { FixedClock } from '../domain/clock.js';
import type { Person } from '../domain/person.js';
import { OrderTasks } from '../domain/order-tasks.js';
import { ChargesService } from '../orders/charges.service.js';
import { OrdersService } from '../orders/orders.service.js';
import { ProductsService } from '../products/products.service.js';
import { QuotesService } from '../quotes/quotes.service.js';
import { ProvisioningService } from './provisioning.service.js';

const TOKEN = 'backend-token-0123456789';
const admin: Person = { email: 'admin@cam.ac.uk', admin: true };
const ann: Person = { email: 'ann@cam.ac.uk', admin: false };

class NoTasks extends OrderTasks {
  enqueue(): Promise<void> {
    return Promise.resolve();
  }
}

/**
 * The real client, with a probe called just before each backend change: what happens there happens
 * while a provision run is talking to the backend (an administrator's cancel, say).
 */
class ProbedBackend extends StorageBackendClient {
  probe: ((call: string) => Promise<void>) | undefined;

  override async ensure(...args: Parameters<StorageBackendClient['ensure']>) {
    await this.probe?.('ensure');
    return super.ensure(...args);
  }

  override async setQuota(...args: Parameters<StorageBackendClient['setQuota']>) {
    await this.probe?.('setQuota');
    return super.setQuota(...args);
  }

  override async setAccess(...args: Parameters<StorageBackendClient['setAccess']>) {
    await this.probe?.('setAccess');
    return super.setAccess(...args);
  }
}

let db: TestDatabase;
let backend: ProbedBackend;
let prisma: PrismaService;
let simulator: StorageBackendSimulator;
let running: RunningSimulator;
let clock: FixedClock;
let quotes: QuotesService;
let orders: OrdersService;
let provisioning: ProvisioningService;
let keys = 0;

beforeAll(async () => {
  db = await createTestDatabase();
  prisma = db.prisma();
  simulator = new StorageBackendSimulator({ token: TOKEN });
  running = await simulator.start();
  clock = new FixedClock(new Date('2026-11-26T10:00:00Z'));
  const audit = new JobRunRepository(prisma);
  const products = new ProductsService(prisma, audit);
  const accounts = new AccountsService(prisma, audit, clock, new NoTasks());
  const settings = { quoteValidDays: 30, reminderDays: [60, 30, 7], graceDays: 30, poMaxBytes: 1024 };
  quotes = new QuotesService(prisma, products, accounts, settings, clock);
  orders = new OrdersService(prisma, audit, new NoTasks(), clock);
  backend = new ProbedBackend({
    baseUrl: `${running.url}/api/v1`,
    token: TOKEN,
    maxAttempts: 2,
    baseDelayMs: 1,
  });
  provisioning = new ProvisioningService(prisma, orders, backend, clock, new NoTasks());
  await products.put(admin, 'RFS', {
    name: 'Research File Share',
    description: 'shares',
    pricePerTbYear: 13_900,
    minTb: 1,
    maxTb: 100,
    stepTb: 1,
    termsYears: [1, 2],
    active: true,
  });
});

afterAll(async () => {
  await running.close();
  await db.drop();
});

beforeEach(() => {
  backend.probe = undefined;
  simulator.reset();
  clock.set('2026-11-26T10:00:00Z');
});

/** An order taken through payment and approval, ready to provision. */
async function approvedOrder(request: Parameters<QuotesService['create']>[1]) {
  const quote = await quotes.create(ann, request);
  const order = await orders.create(ann, {
    quoteId: quote.id,
    paymentMethod: 'finance_code',
    paymentReference: 'U.PN.PNLI.AAAA.ELKZ.0000',
    idempotencyKey: `provisioning-${++keys}`,
    ...(request.kind === 'new'
      ? { account: { name: 'Lab data', departmentCode: 'PN', departmentName: 'Physiology' } }
      : {}),
  });
  await orders.move(order.id, 'start_payment_check', 'system');
  await orders.move(order.id, 'payment_accepted', 'system');
  await orders.approve(admin, order.id);
  return order;
}

describe('provision', () => {
  it('sets up new storage, activates the account for its term, and a repeated task changes nothing', async () => {
    const order = await approvedOrder({ kind: 'new', productCode: 'RFS', sizeTb: 4, years: 2 });
    expect(await provisioning.provision(order.id)).toEqual({
      outcome: 'done',
      detail: `order ${order.reference} completed`,
    });
    expect(simulator.allocation(order.account.reference)).toMatchObject({
      product: 'RFS',
      quotaTb: 4,
      access: 'read-write',
    });
    const account = await prisma.storageAccount.findUniqueOrThrow({ where: { id: order.account.id } });
    expect(account).toMatchObject({
      state: 'active',
      sizeTb: 4,
      startsOn: new Date('2026-11-26T00:00:00Z'),
      expiresOn: new Date('2028-11-26T00:00:00Z'),
    });

    const calls = simulator.control.calls.length;
    expect(await provisioning.provision(order.id)).toEqual({
      outcome: 'skipped',
      detail: `order ${order.reference} is completed`,
    });
    expect(simulator.control.calls.length).toBe(calls);
    const audit = await prisma.auditEvent.findMany({
      where: { entityId: order.account.id, action: 'account.activate' },
    });
    expect(audit).toHaveLength(1);
  });

  it('finishes after a crash between the backend and the database, without a second account', async () => {
    const order = await approvedOrder({ kind: 'new', productCode: 'RFS', sizeTb: 2, years: 1 });
    // as if an earlier delivery had moved the order and set the backend up, then died
    await orders.move(order.id, 'start_provisioning', 'system');
    simulator.seed([
      {
        ref: order.account.reference,
        product: 'RFS',
        quotaTb: 2,
        usedTb: 0,
        access: 'read-write',
        projects: [],
      },
    ]);
    expect((await provisioning.provision(order.id)).outcome).toBe('done');
    expect(simulator.allocation(order.account.reference)).toMatchObject({ quotaTb: 2 });
    expect((await orders.show(ann, order.id)).state).toBe('completed');
  });

  it('leaves the order provisioning when the backend is down (the task is retried) or refuses', async () => {
    const order = await approvedOrder({ kind: 'new', productCode: 'RFS', sizeTb: 1, years: 1 });
    simulator.control.addFault({ path: '/api/v1/allocations', status: 503, times: 2 });
    await expect(provisioning.provision(order.id)).rejects.toBeInstanceOf(UpstreamError);
    expect((await orders.show(ann, order.id)).state).toBe('provisioning');

    simulator.control.addFault({
      path: '/api/v1/allocations',
      status: 400,
      body: { error: { code: 'invalid', message: 'quotaTb: too small' } },
      times: 1,
    });
    expect(await provisioning.provision(order.id)).toEqual({
      outcome: 'refused',
      detail: 'storage backend refused: quotaTb: too small',
    });
    expect((await orders.show(ann, order.id)).state).toBe('provisioning');

    expect((await provisioning.provision(order.id)).outcome).toBe('done');
  });

  it('an increase sets the new quota; a renewal after expiry restores access and runs from the old expiry', async () => {
    const first = await approvedOrder({ kind: 'new', productCode: 'RFS', sizeTb: 3, years: 1 });
    await provisioning.provision(first.id);
    const accountId = first.account.id;

    const increase = await approvedOrder({ kind: 'increase', accountId, addTb: 2 });
    expect((await provisioning.provision(increase.id)).outcome).toBe('done');
    expect(simulator.allocation(first.account.reference)?.quotaTb).toBe(5);

    // a year and ten days later: expired, read-only
    clock.set('2027-12-06T09:00:00Z');
    await prisma.storageAccount.update({
      where: { id: accountId },
      data: { state: 'expired', remindersSent: [60, 30, 7] },
    });
    expect(await provisioning.applyAccess(accountId)).toEqual({
      outcome: 'done',
      detail: `${first.account.reference} is read-only`,
    });
    expect(simulator.allocation(first.account.reference)?.access).toBe('read-only');

    const renewal = await approvedOrder({ kind: 'renewal', accountId, years: 1 });
    expect((await provisioning.provision(renewal.id)).outcome).toBe('done');
    expect(simulator.allocation(first.account.reference)).toMatchObject({ access: 'read-write', quotaTb: 5 });
    expect(await prisma.storageAccount.findUniqueOrThrow({ where: { id: accountId } })).toMatchObject({
      state: 'active',
      sizeTb: 5,
      expiresOn: new Date('2028-11-26T00:00:00Z'),
      remindersSent: [],
    });
  });

  it('refuses to order an increase while another order for the account is open, or after the account changed', async () => {
    const first = await approvedOrder({ kind: 'new', productCode: 'RFS', sizeTb: 1, years: 1 });
    await provisioning.provision(first.id);
    const accountId = first.account.id;
    const a = await quotes.create(ann, { kind: 'increase', accountId, addTb: 1 });
    const b = await quotes.create(ann, { kind: 'increase', accountId, addTb: 2 });
    const orderA = await orders.create(ann, {
      quoteId: a.id,
      paymentMethod: 'finance_code',
      paymentReference: 'x',
      idempotencyKey: `provisioning-${++keys}`,
    });
    await expect(
      orders.create(ann, {
        quoteId: b.id,
        paymentMethod: 'finance_code',
        paymentReference: 'x',
        idempotencyKey: `provisioning-${++keys}`,
      }),
    ).rejects.toMatchObject({
      status: 409,
      response: {
        message: `the account has an order in progress (${orderA.reference}): wait for it, or cancel it`,
      },
    });
    await orders.move(orderA.id, 'start_payment_check', 'system');
    await orders.move(orderA.id, 'payment_accepted', 'system');
    await orders.approve(admin, orderA.id);
    await provisioning.provision(orderA.id);
    await expect(
      orders.create(ann, {
        quoteId: b.id,
        paymentMethod: 'finance_code',
        paymentReference: 'x',
        idempotencyKey: `provisioning-${++keys}`,
      }),
    ).rejects.toMatchObject({
      status: 400,
      response: {
        problems: [
          { field: 'quoteId', message: 'the account changed after this quote was made: ask for a new one' },
        ],
      },
    });
  });
});

describe('an order stuck in provisioning', () => {
  it('a renewal below what the storage holds is refused by the backend; an administrator cancels it with a reason, the voucher freed and nothing charged', async () => {
    const first = await approvedOrder({ kind: 'new', productCode: 'RFS', sizeTb: 3, years: 1 });
    await provisioning.provision(first.id);
    const accountId = first.account.id;
    simulator.setUsage(first.account.reference, 2.5);
    clock.set('2027-11-01T09:00:00Z'); // within the renewal window
    await prisma.storageVoucher.create({
      data: {
        code: 'STUCK-1',
        productCode: 'RFS',
        sizeTb: 2,
        years: 1,
        note: 'test',
        createdBy: admin.email,
      },
    });
    const quote = await quotes.create(ann, { kind: 'renewal', accountId, sizeTb: 2, years: 1 });
    const renewal = await orders.create(ann, {
      quoteId: quote.id,
      paymentMethod: 'voucher',
      paymentReference: 'STUCK-1',
      idempotencyKey: `provisioning-${++keys}`,
    });
    await orders.move(renewal.id, 'start_payment_check', 'system');
    await orders.move(renewal.id, 'payment_accepted', 'system');
    await orders.approve(admin, renewal.id, 'approved: renewal at 2 TB');
    const charges = new ChargesService(prisma);
    expect(await charges.csv()).toContain(renewal.reference);

    expect(await provisioning.provision(renewal.id)).toMatchObject({ outcome: 'refused' });
    expect((await orders.show(ann, renewal.id)).state).toBe('provisioning');

    // the buyer may not, an administrator must say why
    await expect(orders.cancel(ann, renewal.id, 'never mind')).rejects.toMatchObject({
      status: 409,
      response: { message: 'the order is being set up: ask an administrator to cancel it' },
    });
    await expect(orders.cancel(admin, renewal.id)).rejects.toMatchObject({ status: 400 });
    expect((await orders.show(ann, renewal.id)).state).toBe('provisioning');

    const reason = 'the storage holds 2.5 TB: renew at 3 TB';
    expect((await orders.cancel(admin, renewal.id, reason)).state).toBe('cancelled');
    // the buyer sees the administrator's reason, not the approval's note
    expect(await orders.show(ann, renewal.id)).toMatchObject({
      state: 'cancelled',
      decidedBy: admin.email,
      decisionReason: reason,
    });
    expect(await prisma.storageVoucher.findUniqueOrThrow({ where: { code: 'STUCK-1' } })).toMatchObject({
      usedByOrder: null,
      usedAt: null,
    });
    expect(await charges.csv()).not.toContain(renewal.reference);
    const audit = await prisma.auditEvent.findFirstOrThrow({
      where: { entityId: renewal.id, action: 'order.cancel' },
    });
    expect(audit).toMatchObject({ actor: admin.email, reason });
    expect(await prisma.storageAccount.findUniqueOrThrow({ where: { id: accountId } })).toMatchObject({
      state: 'active',
      sizeTb: 3,
      expiresOn: new Date('2027-11-26T00:00:00Z'),
    });
    expect(simulator.allocation(first.account.reference)).toMatchObject({ quotaTb: 3, access: 'read-write' });
    // a late provision task changes nothing; the account can be renewed again
    expect((await provisioning.provision(renewal.id)).outcome).toBe('skipped');
    const again = await approvedOrder({ kind: 'renewal', accountId, years: 1 });
    expect((await provisioning.provision(again.id)).outcome).toBe('done');
  });

  it('cancelling new storage stuck in provisioning closes its pending account', async () => {
    const order = await approvedOrder({ kind: 'new', productCode: 'RFS', sizeTb: 1, years: 1 });
    simulator.control.addFault({
      path: '/api/v1/allocations',
      status: 409,
      body: { error: { code: 'no_space', message: 'no space left' } },
      times: 1,
    });
    expect((await provisioning.provision(order.id)).outcome).toBe('refused');
    expect((await orders.cancel(admin, order.id, 'no space in the backend')).state).toBe('cancelled');
    expect((await prisma.storageAccount.findUniqueOrThrow({ where: { id: order.account.id } })).state).toBe(
      'closed',
    );
  });
});

/** An account a year and ten days after its expiry (read-only in the backend) with an approved renewal. */
async function expiredAccountWithRenewal() {
  const first = await approvedOrder({ kind: 'new', productCode: 'RFS', sizeTb: 3, years: 1 });
  await provisioning.provision(first.id);
  clock.set('2027-12-06T09:00:00Z');
  await prisma.storageAccount.update({
    where: { id: first.account.id },
    data: { state: 'expired', remindersSent: [60, 30, 7] },
  });
  await provisioning.applyAccess(first.account.id);
  const renewal = await approvedOrder({ kind: 'renewal', accountId: first.account.id, sizeTb: 5, years: 1 });
  return { account: first.account, renewal };
}

const IN_FLIGHT =
  'the storage is being set up: it can be cancelled only once the storage backend has refused it';

describe("an administrator's cancel and a provision run", () => {
  it('a cancel sent while the run talks to the backend is refused, and the run completes: backend and database agree', async () => {
    const { account, renewal } = await expiredAccountWithRenewal();
    const attempts: unknown[] = [];
    backend.probe = async (call) => {
      attempts.push(
        await orders.cancel(admin, renewal.id, `cancelled during ${call}`).then(
          (o) => o.state,
          (error: { status?: number; response?: { message?: string } }) => [
            error.status,
            error.response?.message,
          ],
        ),
      );
    };
    expect((await provisioning.provision(renewal.id)).outcome).toBe('done');
    expect(attempts).toEqual([
      [409, IN_FLIGHT],
      [409, IN_FLIGHT],
    ]);
    expect((await orders.show(admin, renewal.id)).state).toBe('completed');
    expect(simulator.allocation(account.reference)).toMatchObject({ quotaTb: 5, access: 'read-write' });
    expect(await prisma.storageAccount.findUniqueOrThrow({ where: { id: account.id } })).toMatchObject({
      state: 'active',
      sizeTb: 5,
      backendAccess: 'read-write',
    });
  });

  it('an order in provisioning that the backend has not refused cannot be cancelled; after a refusal it can, and Retry closes that again', async () => {
    const order = await approvedOrder({ kind: 'new', productCode: 'RFS', sizeTb: 1, years: 1 });
    // a run started (its task is on its way, or talking to the backend)
    await orders.move(order.id, 'start_provisioning', 'system');
    await expect(orders.cancel(admin, order.id, 'no space')).rejects.toMatchObject({
      status: 409,
      response: { message: IN_FLIGHT },
    });
    simulator.control.addFault({
      path: '/api/v1/allocations',
      status: 409,
      body: { error: { code: 'no_space', message: 'no space left' } },
      times: 2,
    });
    expect((await provisioning.provision(order.id)).outcome).toBe('refused');
    expect((await orders.show(admin, order.id)).provisionRefusal).toBe(
      'storage backend refused: no space left',
    );
    expect(
      await prisma.auditEvent.count({ where: { entityId: order.id, action: 'order.provision_refused' } }),
    ).toBe(1);

    await orders.retry(admin, order.id);
    await expect(orders.cancel(admin, order.id, 'no space')).rejects.toMatchObject({ status: 409 });
    expect((await provisioning.provision(order.id)).outcome).toBe('refused');
    expect((await orders.cancel(admin, order.id, 'no space')).state).toBe('cancelled');
    // a late run leaves the backend alone
    const calls = simulator.control.calls.length;
    expect((await provisioning.provision(order.id)).outcome).toBe('skipped');
    expect(simulator.control.calls.length).toBe(calls);
  });

  it("an older run's refusal does not open the cancel while a newer run is in flight", async () => {
    const order = await approvedOrder({ kind: 'new', productCode: 'RFS', sizeTb: 1, years: 1 });
    simulator.control.addFault({
      path: '/api/v1/allocations',
      status: 409,
      body: { error: { code: 'no_space', message: 'no space left' } },
      times: 1,
    });
    // a second delivery of the task starts while the first waits for the backend
    backend.probe = async () => {
      backend.probe = undefined;
      expect(await orders.beginProvisionRun(order.id)).not.toBeNull();
    };
    expect((await provisioning.provision(order.id)).outcome).toBe('refused');
    expect((await orders.show(admin, order.id)).provisionRefusal).toBeNull();
    await expect(orders.cancel(admin, order.id, 'no space')).rejects.toMatchObject({ status: 409 });
  });

  it("a renewal's access refused after its quota was set: the quota is put back, and the cancel leaves the backend as the account says", async () => {
    const { account, renewal } = await expiredAccountWithRenewal();
    simulator.control.addFault({
      path: /\/access$/,
      status: 400,
      body: { error: { code: 'invalid', message: 'access: locked' } },
      times: 1,
    });
    expect(await provisioning.provision(renewal.id)).toEqual({
      outcome: 'refused',
      detail: 'storage backend refused: access: locked (backend restored to 3 TB read-only)',
    });
    expect(simulator.allocation(account.reference)).toMatchObject({ quotaTb: 3, access: 'read-only' });
    expect((await orders.cancel(admin, renewal.id, 'the backend locked it')).state).toBe('cancelled');
    expect(await prisma.storageAccount.findUniqueOrThrow({ where: { id: account.id } })).toMatchObject({
      state: 'expired',
      sizeTb: 3,
      backendAccess: 'read-only',
    });
    expect(simulator.allocation(account.reference)).toMatchObject({ quotaTb: 3, access: 'read-only' });
  });

  it('an order found cancelled when the run completes: the backend is put back and that is audited', async () => {
    const { account, renewal } = await expiredAccountWithRenewal();
    // as if a cancel had got past the rule while the run was in the backend
    backend.probe = async (call) => {
      if (call === 'setAccess') {
        await prisma.storageOrder.update({ where: { id: renewal.id }, data: { state: 'cancelled' } });
      }
    };
    expect(await provisioning.provision(renewal.id)).toEqual({
      outcome: 'skipped',
      detail: `order ${renewal.reference} is cancelled (backend restored to 3 TB read-only)`,
    });
    backend.probe = undefined;
    expect(simulator.allocation(account.reference)).toMatchObject({ quotaTb: 3, access: 'read-only' });
    expect(await prisma.storageAccount.findUniqueOrThrow({ where: { id: account.id } })).toMatchObject({
      state: 'expired',
      sizeTb: 3,
    });
    const audit = await prisma.auditEvent.findFirstOrThrow({
      where: { entityId: account.id, action: 'account.backend_restore' },
    });
    expect(audit.reason).toBe(`order ${renewal.reference} ended while it was being set up`);
  });
});

describe('syncMembers', () => {
  it("sends each project's managers and users", async () => {
    const order = await approvedOrder({ kind: 'new', productCode: 'RFS', sizeTb: 1, years: 1 });
    await provisioning.provision(order.id);
    const project = await prisma.storageProject.create({
      data: { accountId: order.account.id, name: 'imaging' },
    });
    await prisma.storageProjectMember.createMany({
      data: [
        { projectId: project.id, email: 'pm@cam.ac.uk', role: 'manager' },
        { projectId: project.id, email: 'u2@cam.ac.uk', role: 'user' },
        { projectId: project.id, email: 'u1@cam.ac.uk', role: 'user' },
      ],
    });
    expect((await provisioning.syncMembers(order.account.id)).outcome).toBe('done');
    expect(simulator.allocation(order.account.reference)?.projects).toEqual([
      { name: 'imaging', managers: ['pm@cam.ac.uk'], users: ['u1@cam.ac.uk', 'u2@cam.ac.uk'] },
    ]);
  });
});
