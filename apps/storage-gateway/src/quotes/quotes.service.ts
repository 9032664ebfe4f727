import { Injectable } from '@nestjs/common';
import { Prisma, PrismaService, type PrismaTx } from '@app/db';
import { AccountsService } from '../accounts/accounts.service.js';
import { isUuid } from '../domain/ids.util.js';
import { managesAccount, roleIn } from '../accounts/membership.util.js';
import { addDays, asDate, calendarDateOf, compareDates } from '../domain/calendar.util.js';
import { Clock } from '../domain/clock.js';
import type { Person } from '../domain/person.js';
import { invalid, notFound } from '../domain/storage-errors.js';
import { renewalWindowDays, StorageSettings } from '../domain/storage-settings.js';
import { ProductsService } from '../products/products.service.js';
import {
  type PricedQuote,
  type PricingResult,
  priceQuote,
  type QuoteProblem,
  type QuoteRequest,
} from './pricing.util.js';
import type { QuoteRequestInput, QuoteView } from './quote.types.js';

const quoteInclude = {
  product: { select: { code: true, name: true } },
  order: { select: { id: true } },
  account: { select: { ownerEmail: true, managers: { select: { email: true } } } },
} satisfies Prisma.StorageQuoteInclude;
type QuoteRow = Prisma.StorageQuoteGetPayload<{ include: typeof quoteInclude }>;

/** Quotes: priced from the product's current terms, kept with that price, valid for QUOTE_VALID_DAYS. */
@Injectable()
export class QuotesService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly products: ProductsService,
    private readonly accounts: AccountsService,
    private readonly settings: StorageSettings,
    private readonly clock: Clock,
  ) {}

  async create(person: Person, input: QuoteRequestInput): Promise<QuoteView> {
    const id = await this.prisma.$transaction(async (tx) => this.createIn(tx, person, input));
    return this.show(person, id);
  }

  /**
   * Makes a quote inside the caller's transaction and gives its id: a page that quotes and orders in
   * one go (`OrdersService.createQuoted`) keeps no quote when the order is refused.
   */
  async createIn(tx: PrismaTx, person: Person, input: QuoteRequestInput): Promise<string> {
    const priced = await this.price(tx, person, input);
    if (!priced.ok) throw invalid(priced.message, priced.problems);
    const q = priced.quote;
    const [{ n }] = await tx.$queryRaw<{ n: bigint }[]>`SELECT nextval('storage.quote_number') AS n`;
    const row = await tx.storageQuote.create({
      data: {
        reference: `Q-${String(n).padStart(6, '0')}`,
        kind: q.kind,
        productCode: q.productCode,
        accountId: priced.accountId,
        sizeTb: q.sizeTb,
        chargedTb: q.chargedTb,
        years: q.years,
        unitPricePence: q.unitPricePence,
        amountPence: q.amountPence,
        periodStart: asDate(q.periodStart),
        periodEnd: asDate(q.periodEnd),
        explanation: q.explanation,
        validUntil: asDate(addDays(this.clock.today(), this.settings.quoteValidDays)),
        createdBy: person.email,
      },
    });
    return row.id;
  }

  /**
   * What a quote would say today, without making one (the buy page shows it as the size and term
   * change): the same pricing, the same checks of who may ask, the same problems; nothing stored.
   */
  async preview(person: Person, input: QuoteRequestInput): Promise<PricingResult> {
    const priced = await this.price(this.prisma, person, input);
    return priced.ok ? { ok: true, quote: priced.quote } : { ok: false, problems: priced.problems };
  }

  /** Prices a request from the product's current terms and, for an increase or renewal, the account. */
  private async price(
    db: PrismaTx,
    person: Person,
    input: QuoteRequestInput,
  ): Promise<
    | { ok: true; quote: PricedQuote; accountId: string | null }
    | { ok: false; message: string; problems: QuoteProblem[] }
  > {
    let request: QuoteRequest;
    let productCode: string;
    let accountId: string | null = null;
    if (input.kind === 'new') {
      productCode = input.productCode;
      request = { kind: 'new', sizeTb: input.sizeTb, years: input.years };
    } else {
      const account = await this.accounts.managed(db, person, input.accountId);
      if (account.expiresOn === null) {
        return {
          ok: false,
          message: 'The account cannot be quoted for',
          problems: [{ field: 'accountId', message: 'the storage has not been set up yet' }],
        };
      }
      productCode = account.productCode;
      accountId = account.id;
      const terms = {
        productCode,
        sizeTb: account.sizeTb,
        state: account.state,
        expiresOn: calendarDateOf(account.expiresOn),
      };
      request =
        input.kind === 'increase'
          ? { kind: 'increase', account: terms, addTb: input.addTb }
          : { kind: 'renewal', account: terms, sizeTb: input.sizeTb ?? account.sizeTb, years: input.years };
    }
    const product = await this.products.terms(productCode);
    if (product === null || (!product.active && input.kind === 'new')) {
      return {
        ok: false,
        message: 'The quote cannot be made',
        problems: [{ field: 'productCode', message: `there is no product ${productCode} on sale` }],
      };
    }
    const priced = priceQuote(product, request, this.clock.today(), renewalWindowDays(this.settings));
    if (!priced.ok) return { ok: false, message: 'The quote cannot be made', problems: priced.problems };
    return { ok: true, quote: priced.quote, accountId };
  }

  /** A quote, for whoever made it, the account's owner and managers, and administrators. */
  async show(person: Person, id: string): Promise<QuoteView> {
    if (!isUuid(id)) throw notFound('quote');
    const row = await this.prisma.storageQuote.findUnique({ where: { id }, include: quoteInclude });
    if (row === null || !mayRead(row, person)) throw notFound('quote');
    return this.view(row);
  }

  async listMine(person: Person, limit: number): Promise<QuoteView[]> {
    const rows = await this.prisma.storageQuote.findMany({
      where: { createdBy: person.email },
      include: quoteInclude,
      orderBy: [{ createdAt: 'desc' }, { id: 'asc' }],
      take: limit,
    });
    return rows.map((r) => this.view(r));
  }

  private view(row: QuoteRow): QuoteView {
    const validUntil = calendarDateOf(row.validUntil);
    return {
      id: row.id,
      reference: row.reference,
      kind: row.kind,
      product: row.product,
      accountId: row.accountId,
      sizeTb: row.sizeTb,
      chargedTb: row.chargedTb,
      years: row.years,
      unitPricePence: row.unitPricePence,
      amountPence: row.amountPence,
      periodStart: calendarDateOf(row.periodStart),
      periodEnd: calendarDateOf(row.periodEnd),
      explanation: row.explanation,
      validUntil,
      orderable: row.order === null && compareDates(this.clock.today(), validUntil) <= 0,
      createdBy: row.createdBy,
      createdAt: row.createdAt.toISOString(),
    };
  }
}

function mayRead(row: QuoteRow, person: Person): boolean {
  if (person.admin || row.createdBy === person.email) return true;
  if (row.account === null) return false;
  return managesAccount(roleIn({ ...row.account, projects: [] }, person.email));
}
