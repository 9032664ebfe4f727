import { randomUUID } from 'node:crypto';
import { ForbiddenException, Injectable } from '@nestjs/common';
import { Prisma, PrismaService, type PrismaTx } from '@app/db';
import { type AuditInput, JobRunRepository, toJson } from '@app/jobs';
import { isUuid } from '../domain/ids.util.js';
import { managesAccount, roleIn } from '../accounts/membership.util.js';
import { calendarDateOf, compareDates } from '../domain/calendar.util.js';
import { Clock } from '../domain/clock.js';
import { APP_NAME, type Person, SYSTEM_ACTOR } from '../domain/person.js';
import { conflict, invalid, notFound } from '../domain/storage-errors.js';
import { OrderTasks, type OrderTaskName } from '../domain/order-tasks.js';
import {
  ORDER_STATES,
  pendingTask,
  WAITING_FOR_TASK,
  type OrderActor,
  type OrderEvent,
  type OrderState,
  TERMINAL_ORDER_STATES,
  transitionOrder,
} from './order-state.util.js';
import type { OrderProgress, OrderRequest, OrderView } from './order.types.js';

const orderInclude = {
  quote: {
    select: {
      id: true,
      reference: true,
      kind: true,
      amountPence: true,
      sizeTb: true,
      chargedTb: true,
      years: true,
      periodEnd: true,
      productCode: true,
      product: { select: { code: true, name: true } },
    },
  },
  account: {
    select: {
      id: true,
      reference: true,
      name: true,
      state: true,
      sizeTb: true,
      ownerEmail: true,
      managers: { select: { email: true } },
    },
  },
} satisfies Prisma.StorageOrderInclude;
export type OrderRow = Prisma.StorageOrderGetPayload<{ include: typeof orderInclude }>;

/**
 * What an order's view needs and no more: for lists whose WHERE already says who may read them, one
 * statement fewer per page than `orderInclude` (no account managers).
 */
const orderViewInclude = {
  quote: orderInclude.quote,
  account: { select: { id: true, reference: true, name: true } },
} satisfies Prisma.StorageOrderInclude;
type OrderViewRow = Prisma.StorageOrderGetPayload<{ include: typeof orderViewInclude }>;

/** The orders a person may read, as a WHERE: their own, and those of accounts they own or manage. */
function readableBy(person: Person): Prisma.StorageOrderWhereInput {
  if (person.admin) return {};
  return {
    OR: [
      { createdBy: person.email },
      { account: { ownerEmail: person.email } },
      { account: { managers: { some: { email: person.email } } } },
    ],
  };
}

/** What changed when an order was asked to move: `changed: false` when it was no longer in a state that allows it. */
export interface OrderMove {
  changed: boolean;
  order: OrderView;
  message?: string;
}

export interface OrderQueueFilter {
  states: readonly OrderState[];
  productCode?: string;
  limit: number;
}

/** Orders: made from a quote, paid one way, checked, approved, provisioned; every move audited. */
@Injectable()
export class OrdersService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly audit: JobRunRepository,
    private readonly tasks: OrderTasks,
    private readonly clock: Clock,
  ) {}

  /**
   * Submits an order. The same form submitted twice (same idempotency key) answers the first order;
   * a quote that was ordered already, expired or is not the person's is refused; for new storage a
   * pending account is made with the person as its Data Owner; a voucher is used up in the same
   * transaction, so two orders can never spend one voucher.
   */
  async create(person: Person, input: OrderRequest): Promise<OrderView> {
    const existing = await this.prisma.storageOrder.findUnique({
      where: { createdBy_idempotencyKey: { createdBy: person.email, idempotencyKey: input.idempotencyKey } },
      select: { id: true, quoteId: true, state: true },
    });
    if (existing !== null) {
      if (existing.quoteId !== input.quoteId)
        throw conflict('this idempotency key was used for another order');
      // The first request may have committed and then failed before queueing the check: queue it
      // again (the task name is the same, so it is one task either way).
      if (existing.state === 'submitted') {
        await this.tasks.enqueue('check-payment', { orderId: existing.id }, `check-payment-${existing.id}`);
      }
      return this.show(person, existing.id);
    }
    let orderId: string;
    try {
      orderId = await this.prisma.$transaction(async (tx) => this.createIn(tx, person, input));
    } catch (error) {
      // The same form submitted twice at once: the second transaction meets the first's unique key.
      if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') {
        const again = await this.prisma.storageOrder.findUnique({
          where: {
            createdBy_idempotencyKey: { createdBy: person.email, idempotencyKey: input.idempotencyKey },
          },
          select: { id: true, quoteId: true },
        });
        if (again !== null && again.quoteId === input.quoteId) return this.show(person, again.id);
        throw conflict(
          again !== null
            ? 'this idempotency key was used for another order'
            : 'the quote has been ordered already',
        );
      }
      throw error;
    }
    return this.submitted(person, orderId);
  }

  /**
   * A quote made and ordered at once (the renew, increase and buy pages): `quoteIn` makes the quote
   * in the order's transaction, so an order refused (a voucher that does not fit, an account changed,
   * an order already open) leaves no quote behind. The same form sent twice answers the first order.
   */
  async createQuoted(
    person: Person,
    input: Omit<OrderRequest, 'quoteId'>,
    quoteIn: (tx: PrismaTx) => Promise<string>,
  ): Promise<OrderView> {
    const made = await this.findByKey(person, input.idempotencyKey);
    if (made !== null) return this.show(person, made);
    let orderId: string;
    try {
      orderId = await this.prisma.$transaction(async (tx) =>
        this.createIn(tx, person, { ...input, quoteId: await quoteIn(tx) }),
      );
    } catch (error) {
      // The same form sent twice at once: the other request made the order (and its quote).
      const twin = await this.findByKey(person, input.idempotencyKey);
      if (twin !== null) return this.show(person, twin);
      throw error;
    }
    return this.submitted(person, orderId);
  }

  /** A new order's payment check is queued (named after the order, so queueing it twice makes one task). */
  private async submitted(person: Person, orderId: string): Promise<OrderView> {
    await this.tasks.enqueue('check-payment', { orderId }, `check-payment-${orderId}`);
    return this.show(person, orderId);
  }

  private async createIn(tx: PrismaTx, person: Person, input: OrderRequest): Promise<string> {
    await tx.$queryRaw`SELECT 1 FROM storage.quote WHERE id = ${input.quoteId}::uuid FOR UPDATE`;
    const quote = await tx.storageQuote.findUnique({
      where: { id: input.quoteId },
      include: {
        order: { select: { reference: true } },
        account: { select: { ownerEmail: true, managers: { select: { email: true } } } },
      },
    });
    if (quote === null) throw notFound('quote');
    // The same form submitted twice at once: the second waited for the quote's lock above and now
    // finds the first's order.
    const twin = await tx.storageOrder.findUnique({
      where: { createdBy_idempotencyKey: { createdBy: person.email, idempotencyKey: input.idempotencyKey } },
      select: { id: true, quoteId: true },
    });
    if (twin !== null) {
      if (twin.quoteId !== input.quoteId) throw conflict('this idempotency key was used for another order');
      return twin.id;
    }
    // New storage: whoever asked for the quote. An account's quote: whoever manages the account now
    // (a manager removed since quoting may no longer order for it).
    const mine =
      quote.account === null
        ? quote.createdBy === person.email
        : managesAccount(roleIn({ ...quote.account, projects: [] }, person.email));
    if (!mine) throw notFound('quote');
    if (quote.order !== null) throw conflict(`the quote has been ordered already (${quote.order.reference})`);
    const validUntil = calendarDateOf(quote.validUntil);
    if (compareDates(this.clock.today(), validUntil) > 0) {
      throw invalid('The quote has expired', [
        { field: 'quoteId', message: `the quote was valid until ${validUntil}: ask for a new one` },
      ]);
    }
    if (quote.kind === 'new' && input.account === undefined) {
      throw invalid('New storage needs a name and a department', [
        { field: 'account', message: 'is required for new storage' },
      ]);
    }
    if (quote.kind !== 'new' && input.account !== undefined) {
      throw invalid('The order is for an existing account', [
        { field: 'account', message: 'is only for new storage' },
      ]);
    }

    let accountId = quote.accountId;
    if (accountId !== null) {
      await this.checkAccountUnchanged(tx, accountId, quote);
    }
    if (accountId === null && input.account !== undefined) {
      const [{ n }] = await tx.$queryRaw<{ n: bigint }[]>`SELECT nextval('storage.account_number') AS n`;
      const account = await tx.storageAccount.create({
        data: {
          reference: `${quote.productCode}-${String(n).padStart(6, '0')}`,
          productCode: quote.productCode,
          name: input.account.name,
          departmentCode: input.account.departmentCode,
          departmentName: input.account.departmentName,
          sizeTb: quote.sizeTb,
          ownerEmail: person.email,
        },
      });
      accountId = account.id;
    }
    if (accountId === null) throw new Error(`quote ${quote.id} has no account`);

    const paymentReference = normaliseReference(input.paymentMethod, input.paymentReference);
    const [{ n }] = await tx.$queryRaw<{ n: bigint }[]>`SELECT nextval('storage.order_number') AS n`;
    const order = await tx.storageOrder.create({
      data: {
        reference: `O-${String(n).padStart(6, '0')}`,
        quoteId: quote.id,
        accountId,
        paymentMethod: input.paymentMethod,
        paymentReference,
        idempotencyKey: input.idempotencyKey,
        createdBy: person.email,
      },
    });
    if (input.paymentMethod === 'voucher') {
      await this.spendVoucher(tx, paymentReference, order.id, quote);
    }
    await this.audit.audit(
      APP_NAME,
      person.email,
      null,
      [
        {
          action: 'order.submit',
          entityType: 'order',
          entityId: order.id,
          after: {
            reference: order.reference,
            quote: quote.reference,
            paymentMethod: input.paymentMethod,
            amountPence: quote.amountPence,
          },
        },
      ],
      tx,
    );
    return order.id;
  }

  /**
   * An increase or a renewal is ordered one at a time per account, and only while the account is as
   * it was quoted: provisioning sets the size and expiry the quote promised, which would undo a
   * change made since (an increase completed after a renewal was quoted, a second renewal of the
   * same term).
   */
  private async checkAccountUnchanged(
    tx: PrismaTx,
    accountId: string,
    quote: {
      kind: string;
      sizeTb: number;
      chargedTb: number;
      createdAt: Date;
      periodStart: Date;
      periodEnd: Date;
    },
  ): Promise<void> {
    await tx.$queryRaw`SELECT 1 FROM storage.account WHERE id = ${accountId}::uuid FOR UPDATE`;
    const open = await tx.storageOrder.findFirst({
      where: { accountId, state: { notIn: [...TERMINAL_ORDER_STATES] } },
      select: { reference: true },
    });
    if (open !== null)
      throw conflict(`the account has an order in progress (${open.reference}): wait for it, or cancel it`);
    const account = await tx.storageAccount.findUniqueOrThrow({
      where: { id: accountId },
      select: { sizeTb: true, state: true, expiresOn: true },
    });
    const completedSince = await tx.storageOrder.findFirst({
      where: { accountId, state: 'completed', updatedAt: { gt: quote.createdAt } },
      select: { reference: true },
    });
    const expiry = account.expiresOn?.getTime();
    const unchanged =
      account.state !== 'closed' &&
      completedSince === null &&
      (quote.kind === 'increase'
        ? account.sizeTb === quote.sizeTb - quote.chargedTb && expiry === quote.periodEnd.getTime()
        : expiry === quote.periodStart.getTime());
    if (!unchanged) {
      throw invalid('The account has changed since the quote', [
        { field: 'quoteId', message: 'the account changed after this quote was made: ask for a new one' },
      ]);
    }
  }

  /** A voucher pays for exactly what it was made for: its product, its size and its term; once. */
  private async spendVoucher(
    tx: PrismaTx,
    code: string,
    orderId: string,
    quote: { productCode: string; chargedTb: number; years: number | null; kind: string },
  ): Promise<void> {
    await tx.$queryRaw`SELECT 1 FROM storage.voucher WHERE code = ${code} FOR UPDATE`;
    const voucher = await tx.storageVoucher.findUnique({ where: { code } });
    const problem = (message: string) =>
      invalid('The voucher cannot pay for this order', [{ field: 'paymentReference', message }]);
    if (voucher === null) throw problem(`there is no voucher ${code}`);
    if (voucher.usedByOrder !== null) throw problem(`voucher ${code} has been used already`);
    if (
      voucher.validUntil !== null &&
      compareDates(this.clock.today(), calendarDateOf(voucher.validUntil)) > 0
    ) {
      throw problem(`voucher ${code} expired on ${calendarDateOf(voucher.validUntil)}`);
    }
    const mismatches: string[] = [];
    if (voucher.productCode !== quote.productCode)
      mismatches.push(`is for ${voucher.productCode}, not ${quote.productCode}`);
    if (voucher.sizeTb !== quote.chargedTb)
      mismatches.push(`covers ${voucher.sizeTb} TB, not ${quote.chargedTb} TB`);
    if (quote.kind !== 'increase' && voucher.years !== quote.years)
      mismatches.push(`covers ${voucher.years} year(s), not ${quote.years ?? 0}`);
    if (mismatches.length > 0) throw problem(`voucher ${code} ${mismatches.join(' and ')}`);
    await tx.storageVoucher.update({
      where: { code },
      data: { usedByOrder: orderId, usedAt: this.clock.now() },
    });
  }

  /** The order a form made (its idempotency key), if it has been made already: a form sent twice makes one order. */
  async findByKey(person: Person, idempotencyKey: string): Promise<string | null> {
    const row = await this.prisma.storageOrder.findUnique({
      where: { createdBy_idempotencyKey: { createdBy: person.email, idempotencyKey } },
      select: { id: true },
    });
    return row?.id ?? null;
  }

  /** An order, for whoever made it, the account's owner and managers, and administrators. */
  async show(person: Person, id: string): Promise<OrderView> {
    if (!isUuid(id)) throw notFound('order');
    const row = await this.prisma.storageOrder.findUnique({ where: { id }, include: orderInclude });
    if (row === null || !mayRead(row, person)) throw notFound('order');
    return view(row);
  }

  /** The orders a person made or that are for accounts they manage, newest first. */
  async listMine(person: Person, limit: number): Promise<OrderView[]> {
    const rows = await this.prisma.storageOrder.findMany({
      where: {
        OR: [
          { createdBy: person.email },
          { account: { ownerEmail: person.email } },
          { account: { managers: { some: { email: person.email } } } },
        ],
      },
      include: orderInclude,
      orderBy: [{ createdAt: 'desc' }, { id: 'asc' }],
      take: limit,
    });
    return rows.map(view);
  }

  /**
   * Orders still on their way (not completed, rejected or cancelled) that the person made or that are
   * for accounts they manage, oldest first: where each stands, for the "My storage" page.
   */
  async inProgress(person: Person, limit: number): Promise<OrderProgress[]> {
    // One statement, whatever the number of orders and accounts (the My storage page's budget).
    // The open states by name, compared as the enum, so that PostgreSQL can use the (state, created_at) index.
    const open = ORDER_STATES.filter((state) => !TERMINAL_ORDER_STATES.includes(state));
    const rows = await this.prisma.$queryRaw<
      {
        id: string;
        reference: string;
        state: OrderState;
        kind: 'new' | 'increase' | 'renewal';
        size_tb: number;
        product_name: string;
        account_id: string;
        account_name: string;
      }[]
    >`
      SELECT o.id, o.reference, o.state::text AS state, q.kind::text AS kind, q.size_tb,
             p.name AS product_name, a.id AS account_id, a.name AS account_name
        FROM storage."order" o
        JOIN storage.quote q ON q.id = o.quote_id
        JOIN storage.product p ON p.code = q.product_code
        JOIN storage.account a ON a.id = o.account_id
       WHERE o.state = ANY (${open}::storage."StorageOrderState"[])
         AND (o.created_by = ${person.email}
              OR a.owner_email = ${person.email}
              OR EXISTS (SELECT 1 FROM storage.account_manager m
                          WHERE m.account_id = a.id AND m.email = ${person.email}))
       ORDER BY o.created_at, o.id
       LIMIT ${limit}`;
    return rows.map((r) => ({
      id: r.id,
      reference: r.reference,
      state: r.state,
      kind: r.kind,
      sizeTb: r.size_tb,
      product: { name: r.product_name },
      account: { id: r.account_id, name: r.account_name },
    }));
  }

  /** An account's orders that the person may read (its owner and managers, administrators), newest first. */
  async forAccount(person: Person, accountId: string, limit: number): Promise<OrderView[]> {
    if (!isUuid(accountId)) return [];
    const rows = await this.prisma.storageOrder.findMany({
      where: { accountId, ...readableBy(person) },
      include: orderViewInclude,
      orderBy: [{ createdAt: 'desc' }, { id: 'asc' }],
      take: limit,
    });
    return rows.map(view);
  }

  /** Administrators' queue: by state and product, oldest first. */
  async queue(filter: OrderQueueFilter): Promise<OrderView[]> {
    const rows = await this.prisma.storageOrder.findMany({
      where: {
        state: { in: [...filter.states] },
        ...(filter.productCode === undefined ? {} : { quote: { productCode: filter.productCode } }),
      },
      include: orderInclude,
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      take: filter.limit,
    });
    return rows.map(view);
  }

  async approve(admin: Person, id: string, reason?: string): Promise<OrderView> {
    if (!admin.admin) throw new ForbiddenException('Only administrators approve orders');
    const move = await this.move(id, 'approve', 'administrator', admin.email, { reason, decided: true });
    // Approving again an order already approved queues its provisioning again (the same task id:
    // one task), so an approval whose queueing failed after it committed is not stranded.
    if (!move.changed && move.order.state !== 'approved') {
      throw conflict(move.message ?? 'the order cannot be approved');
    }
    await this.tasks.enqueue('provision', { orderId: id }, `provision-${id}`);
    return move.order;
  }

  /**
   * Orders waiting for work that should have happened by `before` (a task lost, retries used up, the
   * backend down for longer than the queue retries): their task is queued again under a new id (the
   * handlers act only on the state they expect, so an extra delivery is harmless). With `attempt`
   * null (a dry run) nothing is queued. Returns the orders concerned; one statement finds them.
   */
  async resumeStalled(
    before: Date,
    attempt: string | null,
  ): Promise<{ reference: string; task: OrderTaskName }[]> {
    const stalled = await this.prisma.storageOrder.findMany({
      where: { state: { in: [...WAITING_FOR_TASK] }, updatedAt: { lt: before } },
      select: { id: true, reference: true, state: true },
      orderBy: { updatedAt: 'asc' },
      take: 1000,
    });
    const queued: { reference: string; task: OrderTaskName }[] = [];
    for (const order of stalled) {
      const task = pendingTask(order.state);
      if (task === null) continue;
      if (attempt !== null)
        await this.tasks.enqueue(task, { orderId: order.id }, `${task}-${order.id}-${attempt}`);
      queued.push({ reference: order.reference, task });
    }
    return queued;
  }

  /** An administrator queues an order's pending work again now (after fixing what made it fail). */
  async retry(admin: Person, id: string): Promise<OrderView> {
    if (!admin.admin) throw new ForbiddenException('Only administrators retry orders');
    const order = await this.show(admin, id);
    const task = pendingTask(order.state);
    if (task === null) {
      throw conflict(
        `order ${order.reference} is ${order.state.replace('_', ' ')}: there is nothing to retry`,
      );
    }
    // A retried provision run is expected: until it too is refused, the order cannot be cancelled.
    if (task === 'provision') {
      await this.prisma.storageOrder.updateMany({
        where: { id, state: 'provisioning' },
        data: { provisionRefusal: null },
      });
    }
    await this.audit.audit(APP_NAME, admin.email, null, [
      { action: 'order.retry', entityType: 'order', entityId: id, after: { task } },
    ]);
    await this.tasks.enqueue(task, { orderId: id }, `${task}-${id}-retry-${this.clock.now().getTime()}`);
    return order;
  }

  /**
   * A provision run starts: under the order's row lock (one UPDATE), it becomes the order's latest
   * run and an earlier refusal is forgotten, so an administrator's cancel waits for this run's end.
   * A cancel that committed first wins: null, and the run leaves the backend alone.
   */
  async beginProvisionRun(id: string): Promise<string | null> {
    const run = randomUUID();
    const started = await this.prisma.storageOrder.updateMany({
      where: { id, state: 'provisioning' },
      data: { provisionRun: run, provisionRefusal: null },
    });
    return started.count > 0 ? run : null;
  }

  /**
   * The storage backend refused a provision run: recorded (and audited) only if that run is still the
   * order's latest and the order still provisioning. From then on an administrator may cancel it.
   */
  async recordProvisionRefusal(id: string, run: string, message: string, undone?: string): Promise<boolean> {
    return this.prisma.$transaction(async (tx) => {
      const recorded = await tx.storageOrder.updateMany({
        where: { id, state: 'provisioning', provisionRun: run },
        data: { provisionRefusal: message },
      });
      if (recorded.count === 0) return false;
      await this.audit.audit(
        APP_NAME,
        SYSTEM_ACTOR,
        null,
        [
          {
            action: 'order.provision_refused',
            entityType: 'order',
            entityId: id,
            after: { refusal: message, ...(undone === undefined ? {} : { undone }) },
          },
        ],
        tx,
      );
      return true;
    });
  }

  /** The backend put back as the account says, after a run whose order ended without it: audited. */
  async recordBackendRestored(
    orderReference: string,
    accountId: string,
    after: Record<string, unknown>,
  ): Promise<void> {
    await this.audit.audit(APP_NAME, SYSTEM_ACTOR, null, [
      {
        action: 'account.backend_restore',
        entityType: 'account',
        entityId: accountId,
        after,
        reason: `order ${orderReference} ended while it was being set up`,
      },
    ]);
  }

  async reject(admin: Person, id: string, reason: string | undefined): Promise<OrderView> {
    if (!admin.admin) throw new ForbiddenException('Only administrators reject orders');
    const move = await this.move(id, 'reject', 'administrator', admin.email, { reason, decided: true });
    if (!move.changed) throw conflict(move.message ?? 'the order cannot be rejected');
    return move.order;
  }

  /** The buyer (or an account manager) withdraws an order before approval; administrators until provisioning. */
  async cancel(person: Person, id: string, reason?: string): Promise<OrderView> {
    await this.show(person, id);
    // The canceller and their reason replace an earlier approval's note: both pages show the decision.
    const move = await this.move(id, 'cancel', person.admin ? 'administrator' : 'member', person.email, {
      reason,
      decided: true,
    });
    if (!move.changed) throw conflict(move.message ?? 'the order cannot be cancelled');
    return move.order;
  }

  /**
   * Moves an order by one event, under a row lock, with its audit row. A move the order's state no
   * longer allows (a task delivered twice, or late) changes nothing and says so. Ending a new-storage
   * order without provisioning closes its pending account and frees its voucher.
   */
  async move(
    id: string,
    event: OrderEvent,
    actor: OrderActor,
    actorName: string = SYSTEM_ACTOR,
    options: {
      reason?: string;
      decided?: boolean;
      paymentCheck?: unknown;
      /** More changes that belong with the move (the account a completed order sets up), in its transaction. */
      alsoInTransaction?: (tx: PrismaTx, order: OrderRow) => Promise<AuditInput[]>;
    } = {},
  ): Promise<OrderMove> {
    const result = await this.prisma.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT 1 FROM storage."order" WHERE id = ${id}::uuid FOR UPDATE`;
      const row = await tx.storageOrder.findUnique({ where: { id }, include: orderInclude });
      if (row === null) throw notFound('order');
      const verdict = transitionOrder(row.state, event, actor, options.reason, row.provisionRefusal !== null);
      if (!verdict.ok) {
        if (verdict.reason === 'reason_required') {
          throw invalid('A reason is required', [{ field: 'reason', message: 'say why, for the buyer' }]);
        }
        return { changed: false, message: verdict.message };
      }
      await tx.storageOrder.update({
        where: { id },
        data: {
          state: verdict.to,
          ...(options.decided
            ? { decidedBy: actorName, decisionReason: options.reason ?? null, decidedAt: this.clock.now() }
            : {}),
          ...(options.paymentCheck === undefined ? {} : { paymentCheck: toJson(options.paymentCheck) }),
        },
      });
      const events: AuditInput[] = [
        {
          action: `order.${event}`,
          entityType: 'order',
          entityId: id,
          before: { state: row.state },
          after: { state: verdict.to },
          reason: options.reason,
        },
      ];
      if (options.alsoInTransaction !== undefined) events.push(...(await options.alsoInTransaction(tx, row)));
      if (TERMINAL_ORDER_STATES.includes(verdict.to) && verdict.to !== 'completed') {
        await tx.storageVoucher.updateMany({
          where: { usedByOrder: id },
          data: { usedByOrder: null, usedAt: null },
        });
        if (row.quote.kind === 'new') {
          const closed = await tx.storageAccount.updateMany({
            where: { id: row.accountId, state: 'pending' },
            data: { state: 'closed' },
          });
          if (closed.count > 0) {
            events.push({
              action: 'account.close',
              entityType: 'account',
              entityId: row.accountId,
              before: { state: 'pending' },
              after: { state: 'closed' },
              reason: `order ${row.reference} ${verdict.to.replace('_', ' ')}`,
            });
          }
        }
      }
      await this.audit.audit(APP_NAME, actorName, null, events, tx);
      return { changed: true };
    });
    const row = await this.prisma.storageOrder.findUniqueOrThrow({ where: { id }, include: orderInclude });
    return { ...result, order: view(row) };
  }
}

/** Finance and grant codes are compared upper case; purchase order numbers and vouchers too. */
export function normaliseReference(method: string, reference: string): string {
  const trimmed = reference.trim();
  return method === 'grant_code' ? trimmed : trimmed.toUpperCase();
}

function mayRead(row: OrderRow, person: Person): boolean {
  if (person.admin || row.createdBy === person.email) return true;
  return managesAccount(roleIn({ ...row.account, projects: [] }, person.email));
}

function view(row: OrderViewRow): OrderView {
  return {
    id: row.id,
    reference: row.reference,
    state: row.state,
    quote: {
      id: row.quote.id,
      reference: row.quote.reference,
      kind: row.quote.kind,
      amountPence: row.quote.amountPence,
      sizeTb: row.quote.sizeTb,
      years: row.quote.years,
    },
    account: { id: row.account.id, reference: row.account.reference, name: row.account.name },
    product: row.quote.product,
    paymentMethod: row.paymentMethod,
    paymentReference: row.paymentReference,
    paymentCheck: row.paymentCheck,
    createdBy: row.createdBy,
    decidedBy: row.decidedBy,
    decisionReason: row.decisionReason,
    provisionRefusal: row.provisionRefusal,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
