import { randomUUID } from 'node:crypto';
import { ConflictException, Injectable } from '@nestjs/common';
import { orderRequest } from '../orders/order.types.js';
import type { Person } from '../domain/person.js';
import { OrdersService } from '../orders/orders.service.js';
import { PaymentCheckService } from '../payments/payment-check.service.js';
import { PurchaseOrderDocuments } from '../documents/purchase-order-documents.service.js';
import type { PricedQuote } from '../quotes/pricing.util.js';
import { QuotesService } from '../quotes/quotes.service.js';
import type { QuoteRequestInput } from '../quotes/quote.types.js';
import { type FieldErrors, type PaymentChoice, paymentOf, serviceErrors, zodErrors } from './forms.util.js';
import type { FormUpload } from './upload.middleware.js';

const accountFields = orderRequest.shape.account.unwrap();

/** The outcome of a form that orders something: the order made, or the problems to show by the fields. */
export type Ordered = { ok: true; orderId: string } | { ok: false; errors: FieldErrors };

/**
 * Places an order from a form, in the order that stores nothing when something is wrong: the form's
 * own problems and the price's, then the PO document, then cufs-api's answer about the finance code,
 * grant code or purchase order (its problems go next to the field); only then the quote, the order
 * and the document. The rules are the services': this only calls them in that order.
 */
@Injectable()
export class FormOrders {
  constructor(
    private readonly quotes: QuotesService,
    private readonly orders: OrdersService,
    private readonly payments: PaymentCheckService,
    private readonly documents: PurchaseOrderDocuments,
  ) {}

  /** A fresh key for a form: submitting that form twice makes one order. */
  newKey(): string {
    return randomUUID();
  }

  /** The price of new storage for the buy page (no quote is made). */
  async price(
    person: Person,
    productCode: string,
    sizeTb: number,
    years: number,
  ): Promise<{ ok: true; quote: PricedQuote } | { ok: false; errors: FieldErrors }> {
    const errors: FieldErrors = {};
    if (productCode === '') errors.productCode = 'Choose a product';
    if (!Number.isInteger(sizeTb)) errors.sizeTb = 'Enter the size as a whole number of TB';
    if (!Number.isInteger(years)) errors.years = 'Choose a term';
    if (Object.keys(errors).length > 0) return { ok: false, errors };
    return this.preview(person, { kind: 'new', productCode, sizeTb, years });
  }

  /** What a quote would say (new storage, more space, a renewal), or its problems by field; nothing stored. */
  async preview(
    person: Person,
    input: QuoteRequestInput,
  ): Promise<{ ok: true; quote: PricedQuote } | { ok: false; errors: FieldErrors }> {
    const priced = await this.quotes.preview(person, input);
    if (priced.ok) return priced;
    const byField: FieldErrors = {};
    for (const p of priced.problems) byField[p.field === 'product' ? 'productCode' : p.field] ??= p.message;
    return { ok: false, errors: byField };
  }

  /** New storage from the buy form. */
  async buy(
    person: Person,
    form: Record<string, string>,
    sizeTb: number,
    years: number,
    upload: FormUpload | undefined,
  ): Promise<Ordered> {
    const errors: FieldErrors = {};
    const priced = await this.price(person, form.productCode ?? '', sizeTb, years);
    if (!priced.ok) Object.assign(errors, priced.errors);
    const account = accountFields.safeParse({
      name: (form.accountName ?? '').trim(),
      departmentCode: (form.departmentCode ?? '').trim().toUpperCase(),
      departmentName: (form.departmentName ?? '').trim(),
    });
    if (!account.success) {
      Object.assign(
        errors,
        zodErrors(account.error, {
          name: 'accountName',
          departmentCode: 'departmentCode',
          departmentName: 'departmentName',
        }),
      );
    }
    const payment = paymentOf(form, errors);
    return this.place(person, form, errors, payment, upload, priced.ok ? priced.quote.amountPence : null, {
      quote: { kind: 'new', productCode: form.productCode ?? '', sizeTb, years },
      account: account.success ? account.data : undefined,
    });
  }

  /** An increase or a renewal of an account, from its page: the quote's price is the service's. */
  async change(
    person: Person,
    quote: QuoteRequestInput,
    form: Record<string, string>,
    upload: FormUpload | undefined,
    errors: FieldErrors,
  ): Promise<Ordered> {
    const payment = paymentOf(form, errors);
    return this.place(person, form, errors, payment, upload, null, { quote });
  }

  private async place(
    person: Person,
    form: Record<string, string>,
    errors: FieldErrors,
    payment: PaymentChoice | null,
    upload: FormUpload | undefined,
    knownAmount: number | null,
    what: {
      quote: QuoteRequestInput;
      account?: { name: string; departmentCode: string; departmentName: string };
    },
  ): Promise<Ordered> {
    const key = form.idempotencyKey ?? '';
    if (payment?.method === 'purchase_order') {
      if (upload?.tooLarge === true) {
        errors.poFile = `The file must be at most ${Math.floor(this.documents.maxBytes / 1024)} KB`;
      } else if (upload?.content === undefined) {
        errors.poFile = 'Choose the purchase order PDF';
      } else {
        const problem = this.documents.problemWith(upload.content);
        if (problem !== null) errors.poFile = `The file ${problem}`;
      }
    }
    if (Object.keys(errors).length > 0 || payment === null) return { ok: false, errors };
    // The same form sent twice: the order it made already. If the first time the object store
    // failed after the order was made, the order has no PDF: this one is kept now.
    const made = await this.orders.findByKey(person, key);
    if (made !== null) {
      if (payment.method === 'purchase_order' && upload?.content !== undefined) {
        await this.uploadIfNone(person, made, upload.content);
      }
      return { ok: true, orderId: made };
    }

    // An increase or renewal is priced by the service here (nothing stored) for cufs-api's check.
    let amount = knownAmount;
    if (amount === null) {
      const priced = await this.preview(person, what.quote);
      if (!priced.ok) return { ok: false, errors: renamed(priced.errors, { accountId: 'form' }) };
      amount = priced.quote.amountPence;
    }
    const check = await this.payments.precheck(payment.method, payment.reference, amount);
    if (check.outcome === 'refused') {
      return {
        ok: false,
        errors: { [payment.field]: check.problems.join('; ') || 'was refused by Finance' },
      };
    }
    const request = orderRequest.omit({ quoteId: true }).safeParse({
      paymentMethod: payment.method,
      paymentReference: payment.reference,
      idempotencyKey: key,
      ...(what.account === undefined ? {} : { account: what.account }),
    });
    if (!request.success) {
      return {
        ok: false,
        errors: zodErrors(request.error, { paymentReference: payment.field, idempotencyKey: 'form' }),
      };
    }
    // The quote and the order in one transaction: an order refused leaves no quote behind.
    let orderId: string;
    try {
      const order = await this.orders.createQuoted(person, request.data, (tx) =>
        this.quotes.createIn(tx, person, what.quote),
      );
      orderId = order.id;
    } catch (error) {
      const shown = serviceErrors(error, {
        addTb: 'addTb',
        sizeTb: 'sizeTb',
        years: 'years',
        accountId: 'form',
        paymentReference: payment.field,
        quoteId: 'form',
        account: 'form',
      });
      if (shown === null) throw error;
      return { ok: false, errors: shown };
    }
    if (payment.method === 'purchase_order' && upload?.content !== undefined) {
      await this.documents.upload(person, orderId, upload.content);
    }
    return { ok: true, orderId };
  }

  /**
   * Keeps the form's PDF for an order that has none (its first sending failed to store it). An order
   * that takes no more documents (paid otherwise, or moved on) is left as it is.
   */
  private async uploadIfNone(person: Person, orderId: string, content: Buffer): Promise<void> {
    if ((await this.documents.list(person, orderId)).length > 0) return;
    try {
      await this.documents.upload(person, orderId, content);
    } catch (error) {
      if (error instanceof ConflictException) return;
      throw error;
    }
  }
}

/** Problems by field, with some fields shown under another name (the first problem of each kept). */
function renamed(errors: FieldErrors, names: Record<string, string>): FieldErrors {
  const shown: FieldErrors = {};
  for (const [field, message] of Object.entries(errors)) shown[names[field] ?? field] ??= message;
  return shown;
}
