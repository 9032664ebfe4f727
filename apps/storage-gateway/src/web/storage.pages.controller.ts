import { Controller, Get, Param, Post, Query, Req, Res, UseFilters } from '@nestjs/common';
import type { Request, Response } from 'express';
import { CurrentUser, SignedIn, SignedInPage, type WebUser } from '@app/auth';
import { AccountsService } from '../accounts/accounts.service.js';
import { personOf } from '../api/person.util.js';
import { PurchaseOrderDocuments } from '../documents/purchase-order-documents.service.js';
import { OrdersService } from '../orders/orders.service.js';
import { ProductsService } from '../products/products.service.js';
import { FormOrders } from './buy.pages.js';
import { money } from './format.util.js';
import { type FieldErrors, formOf, wholeNumber } from './forms.util.js';
import { PageErrorsFilter } from './page-errors.filter.js';
import { PagesRenderer, viewerOf } from './pages.renderer.js';
import type { RequestWithUpload } from './upload.middleware.js';

const ORDERS_SHOWN = 20;
const BEFORE_APPROVAL = new Set(['submitted', 'checking_payment', 'awaiting_approval']);

/** The researcher's pages: My storage, who am I, Buy storage, an order. */
@Controller()
@SignedInPage()
@UseFilters(PageErrorsFilter)
export class StoragePagesController {
  constructor(
    private readonly pages: PagesRenderer,
    private readonly accounts: AccountsService,
    private readonly orders: OrdersService,
    private readonly products: ProductsService,
    private readonly documents: PurchaseOrderDocuments,
    private readonly forms: FormOrders,
  ) {}

  @Get()
  async home(@CurrentUser() user: WebUser, @Res() res: Response): Promise<void> {
    const person = personOf(user);
    const [accounts, orders] = await Promise.all([
      this.accounts.listMine(person),
      this.orders.inProgress(person, ORDERS_SHOWN),
    ]);
    this.pages.send(res, 'home', 'My storage', viewerOf(user), { accounts, orders });
  }

  @Get('me')
  me(@CurrentUser() user: WebUser, @Res() res: Response): void {
    this.pages.send(res, 'me', 'Who am I', viewerOf(user), { expiresAt: user.expiresAt ?? null });
  }

  @Get('buy')
  async buyForm(@CurrentUser() user: WebUser, @Res() res: Response): Promise<void> {
    const first = (await this.products.list(personOf(user))).find((p) => p.active);
    await this.showBuy(
      res,
      user,
      {
        idempotencyKey: this.forms.newKey(),
        ...(first === undefined ? {} : { productCode: first.code, sizeTb: String(first.minTb) }),
        years: '1',
        paymentMethod: 'finance_code',
      },
      {},
      200,
    );
  }

  /** The price as the size and term change (the page's script; without it, "Update price" posts the form). */
  @Get('buy/price')
  @SignedIn()
  async price(
    @CurrentUser() user: WebUser,
    @Query('productCode') productCode: string | undefined,
    @Query('sizeTb') sizeTb: string | undefined,
    @Query('years') years: string | undefined,
  ): Promise<{ amount: string; explanation: string } | { problems: FieldErrors }> {
    const priced = await this.forms.price(
      personOf(user),
      productCode ?? '',
      wholeNumber(sizeTb),
      wholeNumber(years),
    );
    if (!priced.ok) return { problems: priced.errors };
    return { amount: money(priced.quote.amountPence), explanation: priced.quote.explanation };
  }

  @Post('buy')
  async buy(
    @CurrentUser() user: WebUser,
    @Req() req: Request & RequestWithUpload,
    @Res() res: Response,
  ): Promise<void> {
    const form = formOf(req.body);
    const sizeTb = wholeNumber(form.sizeTb);
    const years = wholeNumber(form.years);
    if (form.action === 'price' && req.upload?.tooLarge !== true) {
      const priced = await this.forms.price(personOf(user), form.productCode ?? '', sizeTb, years);
      await this.showBuy(res, user, form, priced.ok ? {} : priced.errors, priced.ok ? 200 : 400);
      return;
    }
    const placed = await this.forms.buy(personOf(user), form, sizeTb, years, req.upload);
    if (placed.ok) {
      res.redirect(303, `/orders/${placed.orderId}?placed=1`);
      return;
    }
    await this.showBuy(res, user, form, placed.errors, 400);
  }

  private async showBuy(
    res: Response,
    user: WebUser,
    form: Record<string, string>,
    errors: FieldErrors,
    status: number,
  ): Promise<void> {
    const person = personOf(user);
    const products = (await this.products.list(person)).filter((p) => p.active);
    const priced =
      form.productCode === undefined
        ? null
        : await this.forms.price(person, form.productCode, wholeNumber(form.sizeTb), wholeNumber(form.years));
    this.pages.send(
      res,
      'buy',
      Object.keys(errors).length > 0 ? 'Error: Buy storage' : 'Buy storage',
      viewerOf(user),
      {
        products,
        form: { idempotencyKey: this.forms.newKey(), ...form },
        errors,
        price: priced?.ok === true ? priced.quote : null,
        maxBytes: this.documents.maxBytes,
        scripts: ['buy.js'],
      },
      status,
    );
  }

  @Get('orders/:id')
  async order(
    @CurrentUser() user: WebUser,
    @Param('id') id: string,
    @Query('placed') placed: string | undefined,
    @Res() res: Response,
  ): Promise<void> {
    const person = personOf(user);
    const order = await this.orders.show(person, id);
    const documents =
      order.paymentMethod === 'purchase_order' ? await this.documents.list(person, order.id) : [];
    this.pages.send(res, 'order', `Order ${order.reference}`, viewerOf(user), {
      order,
      documents,
      cancellable: BEFORE_APPROVAL.has(order.state),
      placed: placed === '1',
    });
  }

  @Post('orders/:id/cancel')
  async cancel(@CurrentUser() user: WebUser, @Param('id') id: string, @Res() res: Response): Promise<void> {
    await this.orders.cancel(personOf(user), id, 'withdrawn by the buyer');
    res.redirect(303, `/orders/${id}`);
  }
}
