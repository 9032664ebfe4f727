import { ConflictException, Controller, Get, Param, Post, Query, Req, Res, UseFilters } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ADMIN_ROLE, CurrentUser, SignedInPage, type WebUser } from '@app/auth';
import { queueQuery, reasonBody, requiredReasonBody, voucherBody } from '../api/api.schemas.js';
import { personOf } from '../api/person.util.js';
import { PurchaseOrderDocuments } from '../documents/purchase-order-documents.service.js';
import { invalid } from '../domain/storage-errors.js';
import { ORDER_STATES, type OrderState } from '../orders/order-state.util.js';
import { OrdersService } from '../orders/orders.service.js';
import { productCode, productInput } from '../products/product.types.js';
import { ProductsService } from '../products/products.service.js';
import { VouchersService } from '../vouchers/vouchers.service.js';
import { type FieldErrors, formOf, prefixed, serviceErrors, wholeNumber, zodErrors } from './forms.util.js';
import { PageErrorsFilter } from './page-errors.filter.js';
import { PagesRenderer, viewerOf } from './pages.renderer.js';

const QUEUE_LIMIT = 200;
const VOUCHERS_SHOWN = 200;

/**
 * Administrators' pages: the order queue (oldest first, by state and product), an order with its
 * payment details, cufs-api's answer and the purchase order, approve or reject with a reason;
 * products and prices; vouchers; the charges export. Everyone else gets the 403 page.
 */
@Controller('admin')
@SignedInPage(ADMIN_ROLE)
@UseFilters(PageErrorsFilter)
export class AdminPagesController {
  constructor(
    private readonly pages: PagesRenderer,
    private readonly orders: OrdersService,
    private readonly products: ProductsService,
    private readonly vouchers: VouchersService,
    private readonly documents: PurchaseOrderDocuments,
  ) {}

  @Get('orders')
  async queue(
    @CurrentUser() user: WebUser,
    @Query() query: Record<string, unknown>,
    @Res() res: Response,
  ): Promise<void> {
    const parsed = queueQuery.safeParse({
      ...(typeof query.state === 'string' && query.state !== '' ? { state: query.state } : {}),
      ...(typeof query.product === 'string' && query.product !== '' ? { product: query.product } : {}),
    });
    if (!parsed.success) throw invalid('The filter is not valid', []);
    const state = parsed.data.state ?? 'awaiting_approval';
    const states = state
      .split(',')
      .filter((s): s is OrderState => (ORDER_STATES as readonly string[]).includes(s));
    if (states.length === 0) throw invalid('The filter is not valid', []);
    const person = personOf(user);
    const [orders, products] = await Promise.all([
      this.orders.queue({
        states,
        limit: QUEUE_LIMIT,
        ...(parsed.data.product === undefined ? {} : { productCode: parsed.data.product }),
      }),
      this.products.list(person),
    ]);
    this.pages.send(res, 'admin-queue', 'Order queue', viewerOf(user), {
      orders,
      products,
      states: ORDER_STATES,
      filter: { state, product: parsed.data.product ?? '' },
    });
  }

  @Get('orders/:id')
  async order(@CurrentUser() user: WebUser, @Param('id') id: string, @Res() res: Response): Promise<void> {
    await this.showOrder(res, user, id, {}, 200);
  }

  @Post('orders/:id/approve')
  async approve(
    @CurrentUser() user: WebUser,
    @Param('id') id: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const form = formOf(req.body);
    const parsed = reasonBody.safeParse(
      form.reason === undefined || form.reason.trim() === '' ? {} : { reason: form.reason.trim() },
    );
    if (!parsed.success)
      return this.showOrder(res, user, id, prefixed('approve', zodErrors(parsed.error)), 400);
    await this.decide(res, user, id, 'approve', () =>
      this.orders.approve(personOf(user), id, parsed.data.reason),
    );
  }

  @Post('orders/:id/reject')
  reject(
    @CurrentUser() user: WebUser,
    @Param('id') id: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    return this.decideWithReason(res, user, id, req, 'reject', (reason) =>
      this.orders.reject(personOf(user), id, reason),
    );
  }

  /** An approved order, or one stuck in provisioning (the backend refused it), cancelled with a reason. */
  @Post('orders/:id/cancel')
  cancel(
    @CurrentUser() user: WebUser,
    @Param('id') id: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    return this.decideWithReason(res, user, id, req, 'cancel', (reason) =>
      this.orders.cancel(personOf(user), id, reason),
    );
  }

  /** A decision that needs a reason, for the buyer: the form comes back with the problem when it has none. */
  private async decideWithReason(
    res: Response,
    user: WebUser,
    id: string,
    req: Request,
    formName: string,
    decision: (reason: string) => Promise<unknown>,
  ): Promise<void> {
    const form = formOf(req.body);
    const parsed = requiredReasonBody.safeParse({ reason: (form.reason ?? '').trim() });
    if (!parsed.success)
      return this.showOrder(res, user, id, prefixed(formName, zodErrors(parsed.error)), 400);
    await this.decide(res, user, id, formName, () => decision(parsed.data.reason));
  }

  private async decide(
    res: Response,
    user: WebUser,
    id: string,
    formName: string,
    decision: () => Promise<unknown>,
  ): Promise<void> {
    try {
      await decision();
    } catch (error) {
      const shown = error instanceof ConflictException ? { form: error.message } : serviceErrors(error);
      if (shown === null) throw error;
      return this.showOrder(res, user, id, prefixed(formName, shown), 400);
    }
    res.redirect(303, `/admin/orders/${id}`);
  }

  private async showOrder(
    res: Response,
    user: WebUser,
    id: string,
    errors: FieldErrors,
    status: number,
  ): Promise<void> {
    const person = personOf(user);
    const order = await this.orders.show(person, id);
    const documents = order.paymentMethod === 'purchase_order' ? await this.documents.list(person, id) : [];
    this.pages.send(
      res,
      'admin-order',
      `${Object.keys(errors).length > 0 ? 'Error: ' : ''}Order ${order.reference}`,
      viewerOf(user),
      { order, documents, errors, check: checkOf(order.paymentCheck) },
      status,
    );
  }

  @Get('products')
  async productsPage(@CurrentUser() user: WebUser, @Res() res: Response): Promise<void> {
    await this.showProducts(res, user, {}, {}, 200);
  }

  @Post('products/:code')
  async putProduct(
    @CurrentUser() user: WebUser,
    @Param('code') code: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const form = formOf(req.body);
    const fname = `product-${code}`;
    const checkedCode = productCode.safeParse(code);
    if (!checkedCode.success) throw invalid('No such product', []);
    const parsed = productInput.safeParse({
      name: (form.name ?? '').trim(),
      description: (form.description ?? '').trim(),
      pricePerTbYear: pence(form.price),
      minTb: wholeNumber(form.minTb),
      maxTb: wholeNumber(form.maxTb),
      stepTb: wholeNumber(form.stepTb),
      termsYears: (form.termsYears ?? '')
        .split(',')
        .map((t) => t.trim())
        .filter((t) => t !== '')
        .map(wholeNumber),
      active: form.active === 'yes',
    });
    if (!parsed.success) {
      return this.showProducts(
        res,
        user,
        prefixed(fname, zodErrors(parsed.error, { pricePerTbYear: 'price' })),
        { [fname]: form },
        400,
      );
    }
    try {
      await this.products.put(personOf(user), checkedCode.data, parsed.data);
    } catch (error) {
      const shown = serviceErrors(error, { pricePerTbYear: 'price' });
      if (shown === null) throw error;
      return this.showProducts(res, user, prefixed(fname, shown), { [fname]: form }, 400);
    }
    res.redirect(303, '/admin/products');
  }

  private async showProducts(
    res: Response,
    user: WebUser,
    errors: FieldErrors,
    forms: Record<string, Record<string, string>>,
    status: number,
  ): Promise<void> {
    const products = await this.products.list(personOf(user));
    this.pages.send(
      res,
      'admin-products',
      `${Object.keys(errors).length > 0 ? 'Error: ' : ''}Products and prices`,
      viewerOf(user),
      { products, errors, forms },
      status,
    );
  }

  @Get('vouchers')
  async vouchersPage(@CurrentUser() user: WebUser, @Res() res: Response): Promise<void> {
    await this.showVouchers(res, user, {}, {}, 200);
  }

  @Post('vouchers')
  async createVoucher(
    @CurrentUser() user: WebUser,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const form = formOf(req.body);
    const parsed = voucherBody.safeParse({
      code: (form.code ?? '').trim().toUpperCase(),
      productCode: form.productCode ?? '',
      sizeTb: wholeNumber(form.sizeTb),
      years: wholeNumber(form.years),
      note: (form.note ?? '').trim(),
      ...(form.validUntil !== undefined && form.validUntil !== '' ? { validUntil: form.validUntil } : {}),
    });
    if (!parsed.success)
      return this.showVouchers(res, user, prefixed('voucher', zodErrors(parsed.error)), form, 400);
    try {
      await this.vouchers.create(personOf(user), parsed.data);
    } catch (error) {
      const shown = error instanceof ConflictException ? { code: error.message } : serviceErrors(error);
      if (shown === null) throw error;
      return this.showVouchers(res, user, prefixed('voucher', shown), form, 400);
    }
    res.redirect(303, '/admin/vouchers');
  }

  private async showVouchers(
    res: Response,
    user: WebUser,
    errors: FieldErrors,
    form: Record<string, string>,
    status: number,
  ): Promise<void> {
    const person = personOf(user);
    const [vouchers, products] = await Promise.all([
      this.vouchers.list(VOUCHERS_SHOWN),
      this.products.list(person),
    ]);
    this.pages.send(
      res,
      'admin-vouchers',
      `${Object.keys(errors).length > 0 ? 'Error: ' : ''}Vouchers`,
      viewerOf(user),
      { vouchers, products, errors, form },
      status,
    );
  }
}

/** cufs-api's answer as the order keeps it (read loosely: older orders may lack parts of it). */
interface CheckShown {
  valid: boolean;
  kind: string;
  normalised: string;
  description: string | null;
  parts: { name: string; value: string; description: string | null; ok: boolean }[];
  problems: { message: string }[];
}

function checkOf(value: unknown): CheckShown | null {
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Partial<CheckShown>;
  return {
    valid: v.valid === true,
    kind: typeof v.kind === 'string' ? v.kind : '',
    normalised: typeof v.normalised === 'string' ? v.normalised : '',
    description: typeof v.description === 'string' ? v.description : null,
    parts: Array.isArray(v.parts) ? v.parts : [],
    problems: Array.isArray(v.problems) ? v.problems : [],
  };
}

/** £54.00 typed as "54" or "54.00": whole pence, or NaN. */
function pence(text: string | undefined): number {
  const match = /^\s*£?(\d{1,7})(?:\.(\d{2}))?\s*$/.exec(text ?? '');
  if (match === null) return Number.NaN;
  return Number(match[1]) * 100 + Number(match[2] ?? '0');
}
