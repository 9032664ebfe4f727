import {
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Post,
  Put,
  PayloadTooLargeException,
  Req,
  Res,
  StreamableFile,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { z } from 'zod';
import { ADMIN_ROLE, CurrentUser, SignedIn, type WebUser } from '@app/auth';
import { ApiOperation, ApiTags } from '@app/openapi';
import { limitQuery, ZodBody, ZodQuery } from '@app/validation';
import { AccountsService } from '../accounts/accounts.service.js';
import type { AccountDetail, AccountSummary } from '../accounts/account.types.js';
import {
  PurchaseOrderDocuments,
  type PurchaseOrderDocumentView,
} from '../documents/purchase-order-documents.service.js';
import { ChargesService } from '../orders/charges.service.js';
import { ORDER_STATES, type OrderState } from '../orders/order-state.util.js';
import { orderRequest, type OrderRequest, type OrderView } from '../orders/order.types.js';
import { OrdersService } from '../orders/orders.service.js';
import { productCode, productInput, type Product, type ProductInput } from '../products/product.types.js';
import { ProductsService } from '../products/products.service.js';
import { quoteRequest, type QuoteRequestInput, type QuoteView } from '../quotes/quote.types.js';
import { QuotesService } from '../quotes/quotes.service.js';
import { VouchersService, type VoucherView } from '../vouchers/vouchers.service.js';
import {
  emailBody,
  personEmail,
  memberBody,
  projectBody,
  queueQuery,
  reasonBody,
  requiredReasonBody,
  voucherBody,
} from './api.schemas.js';
import { personOf } from './person.util.js';
import { invalid } from '../domain/storage-errors.js';
import { StorageSettings } from '../domain/storage-settings.js';

const listQuery = z.strictObject({ limit: limitQuery({ default: 50, max: 500 }) });

/**
 * The JSON API under /api for signed-in people (session cookie; CSRF token on every change). What is
 * not yours answers 404 as if it did not exist; administrators' routes answer 403 to others.
 */
@ApiTags('products')
@Controller('api/products')
@SignedIn()
export class ProductsController {
  constructor(private readonly products: ProductsService) {}

  @Get()
  @ApiOperation({ summary: 'Products on sale, with their prices (administrators also see those withdrawn)' })
  list(@CurrentUser() user: WebUser): Promise<Product[]> {
    return this.products.list(personOf(user));
  }

  @Get(':code')
  @ApiOperation({ summary: 'One product' })
  get(@CurrentUser() user: WebUser, @Param('code') code: string): Promise<Product> {
    return this.products.get(personOf(user), code);
  }
}

@ApiTags('quotes')
@Controller('api/quotes')
@SignedIn()
export class QuotesController {
  constructor(private readonly quotes: QuotesService) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({
    summary:
      'A quote: new storage, an increase of an account (pro rata), or its renewal (backdated to the expiry)',
  })
  create(@CurrentUser() user: WebUser, @ZodBody(quoteRequest) body: QuoteRequestInput): Promise<QuoteView> {
    return this.quotes.create(personOf(user), body);
  }

  @Get()
  @ApiOperation({ summary: 'My quotes, newest first' })
  list(
    @CurrentUser() user: WebUser,
    @ZodQuery(listQuery) query: z.output<typeof listQuery>,
  ): Promise<QuoteView[]> {
    return this.quotes.listMine(personOf(user), query.limit);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One quote' })
  get(@CurrentUser() user: WebUser, @Param('id') id: string): Promise<QuoteView> {
    return this.quotes.show(personOf(user), id);
  }
}

@ApiTags('orders')
@Controller('api/orders')
@SignedIn()
export class OrdersController {
  constructor(
    private readonly orders: OrdersService,
    private readonly documents: PurchaseOrderDocuments,
    private readonly settings: StorageSettings,
  ) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({
    summary: 'Order a quote with one payment method; the same idempotency key answers the same order',
  })
  create(@CurrentUser() user: WebUser, @ZodBody(orderRequest) body: OrderRequest): Promise<OrderView> {
    return this.orders.create(personOf(user), body);
  }

  @Get()
  @ApiOperation({ summary: 'My orders and those of accounts I manage, newest first' })
  list(
    @CurrentUser() user: WebUser,
    @ZodQuery(listQuery) query: z.output<typeof listQuery>,
  ): Promise<OrderView[]> {
    return this.orders.listMine(personOf(user), query.limit);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One order, with where it stands' })
  get(@CurrentUser() user: WebUser, @Param('id') id: string): Promise<OrderView> {
    return this.orders.show(personOf(user), id);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @ApiOperation({ summary: 'Withdraw an order before it is approved' })
  cancel(
    @CurrentUser() user: WebUser,
    @Param('id') id: string,
    @ZodBody(reasonBody) body: z.output<typeof reasonBody>,
  ): Promise<OrderView> {
    return this.orders.cancel(personOf(user), id, body.reason);
  }

  @Post(':id/documents')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Upload the purchase order (a PDF as the request body, Content-Type application/pdf)',
  })
  async upload(
    @CurrentUser() user: WebUser,
    @Param('id') id: string,
    @Req() req: Request,
  ): Promise<PurchaseOrderDocumentView> {
    // Read here, after the guards, so that nobody unauthenticated makes the app read a large body.
    const content = await readBody(req, this.settings.poMaxBytes);
    return this.documents.upload(personOf(user), id, content);
  }

  @Get(':id/documents')
  @ApiOperation({ summary: "The order's purchase order documents" })
  listDocuments(@CurrentUser() user: WebUser, @Param('id') id: string): Promise<PurchaseOrderDocumentView[]> {
    return this.documents.list(personOf(user), id);
  }

  @Get(':id/documents/:sha256')
  @ApiOperation({ summary: 'One purchase order document (the PDF)' })
  async document(
    @CurrentUser() user: WebUser,
    @Param('id') id: string,
    @Param('sha256') sha256: string,
    @Res({ passthrough: true }) res: Response,
  ): Promise<StreamableFile> {
    const { content, bytes } = await this.documents.read(personOf(user), id, sha256);
    res.setHeader('Content-Type', 'application/pdf');
    res.setHeader('Content-Length', String(bytes));
    res.setHeader('Content-Disposition', `attachment; filename="purchase-order-${sha256.slice(0, 12)}.pdf"`);
    res.setHeader('Cache-Control', 'private, no-store');
    return new StreamableFile(content);
  }
}

@ApiTags('accounts')
@Controller('api/accounts')
@SignedIn()
export class AccountsController {
  constructor(private readonly accounts: AccountsService) {}

  @Get()
  @ApiOperation({ summary: 'The storage accounts I belong to, with my role' })
  list(@CurrentUser() user: WebUser): Promise<AccountSummary[]> {
    return this.accounts.listMine(personOf(user));
  }

  @Get(':id')
  @ApiOperation({ summary: 'One account with its people and projects' })
  get(@CurrentUser() user: WebUser, @Param('id') id: string): Promise<AccountDetail> {
    return this.accounts.show(personOf(user), id);
  }

  @Post(':id/managers')
  @HttpCode(200)
  @ApiOperation({ summary: 'Add a Data Manager (owner and managers)' })
  addManager(
    @CurrentUser() user: WebUser,
    @Param('id') id: string,
    @ZodBody(emailBody) body: z.output<typeof emailBody>,
  ): Promise<AccountDetail> {
    return this.accounts.addManager(personOf(user), id, body.email, body.reason);
  }

  @Delete(':id/managers/:email')
  @ApiOperation({ summary: 'Remove a Data Manager (owner and managers)' })
  removeManager(
    @CurrentUser() user: WebUser,
    @Param('id') id: string,
    @Param('email') email: string,
  ): Promise<AccountDetail> {
    return this.accounts.removeManager(personOf(user), id, parsedEmail(email));
  }

  @Post(':id/owner')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Hand the Data Owner role to someone else (the owner only); the previous owner stays a Data Manager',
  })
  handOn(
    @CurrentUser() user: WebUser,
    @Param('id') id: string,
    @ZodBody(emailBody) body: z.output<typeof emailBody>,
  ): Promise<AccountDetail> {
    return this.accounts.handOwnership(personOf(user), id, body.email, body.reason);
  }

  @Post(':id/projects')
  @HttpCode(201)
  @ApiOperation({ summary: 'Create a project in the account (owner and managers)' })
  createProject(
    @CurrentUser() user: WebUser,
    @Param('id') id: string,
    @ZodBody(projectBody) body: z.output<typeof projectBody>,
  ): Promise<AccountDetail> {
    return this.accounts.createProject(personOf(user), id, body.name);
  }

  @Put(':id/projects/:projectId/members/:email')
  @ApiOperation({
    summary: "Add someone to a project, or change their role (the account's or the project's managers)",
  })
  setMember(
    @CurrentUser() user: WebUser,
    @Param('id') id: string,
    @Param('projectId') projectId: string,
    @Param('email') email: string,
    @ZodBody(memberBody) body: z.output<typeof memberBody>,
  ): Promise<AccountDetail> {
    return this.accounts.setProjectMember(personOf(user), id, projectId, parsedEmail(email), body.role);
  }

  @Delete(':id/projects/:projectId/members/:email')
  @ApiOperation({ summary: 'Remove someone from a project' })
  removeMember(
    @CurrentUser() user: WebUser,
    @Param('id') id: string,
    @Param('projectId') projectId: string,
    @Param('email') email: string,
  ): Promise<AccountDetail> {
    return this.accounts.removeProjectMember(personOf(user), id, projectId, parsedEmail(email));
  }
}

@ApiTags('admin')
@Controller('api/admin')
@SignedIn(ADMIN_ROLE)
export class AdminController {
  constructor(
    private readonly orders: OrdersService,
    private readonly products: ProductsService,
    private readonly vouchers: VouchersService,
    private readonly charges: ChargesService,
  ) {}

  @Get('orders')
  @ApiOperation({ summary: 'The order queue, oldest first: ?state=awaiting_approval,approved&product=RFS' })
  queue(
    @ZodQuery(queueQuery.extend({ limit: limitQuery({ default: 100, max: 1000 }) }))
    query: z.output<typeof queueQuery> & { limit: number },
  ): Promise<OrderView[]> {
    const states = (query.state ?? 'awaiting_approval').split(',');
    const unknown = states.filter((s) => !(ORDER_STATES as readonly string[]).includes(s));
    if (unknown.length > 0)
      throw invalid('The query is not valid', [
        { field: 'state', message: `unknown order state(s): ${unknown.join(', ')}` },
      ]);
    return this.orders.queue({
      states: states as OrderState[],
      limit: query.limit,
      ...(query.product === undefined ? {} : { productCode: query.product }),
    });
  }

  @Post('orders/:id/approve')
  @HttpCode(200)
  @ApiOperation({ summary: 'Approve an order awaiting approval; provisioning follows' })
  approve(
    @CurrentUser() user: WebUser,
    @Param('id') id: string,
    @ZodBody(reasonBody) body: z.output<typeof reasonBody>,
  ): Promise<OrderView> {
    return this.orders.approve(personOf(user), id, body.reason);
  }

  @Post('orders/:id/reject')
  @HttpCode(200)
  @ApiOperation({ summary: 'Reject an order awaiting approval, with a reason the buyer reads' })
  reject(
    @CurrentUser() user: WebUser,
    @Param('id') id: string,
    @ZodBody(requiredReasonBody) body: z.output<typeof requiredReasonBody>,
  ): Promise<OrderView> {
    return this.orders.reject(personOf(user), id, body.reason);
  }

  @Post('orders/:id/retry')
  @HttpCode(200)
  @ApiOperation({ summary: "Queue an order's pending work again now (payment check or provisioning)" })
  retry(@CurrentUser() user: WebUser, @Param('id') id: string): Promise<OrderView> {
    return this.orders.retry(personOf(user), id);
  }

  @Put('products/:code')
  @ApiOperation({
    summary: 'Create or change a product and its price (quotes keep the price they were made with)',
  })
  putProduct(
    @CurrentUser() user: WebUser,
    @Param('code') code: string,
    @ZodBody(productInput) body: ProductInput,
  ): Promise<Product> {
    const parsed = productCode.safeParse(code);
    if (!parsed.success)
      throw invalid('The product code is not valid', [
        { field: 'code', message: parsed.error.issues[0]?.message ?? 'invalid' },
      ]);
    return this.products.put(personOf(user), parsed.data, body);
  }

  @Get('vouchers')
  @ApiOperation({ summary: 'Vouchers, newest first' })
  listVouchers(@ZodQuery(listQuery) query: z.output<typeof listQuery>): Promise<VoucherView[]> {
    return this.vouchers.list(query.limit);
  }

  @Post('vouchers')
  @HttpCode(201)
  @ApiOperation({ summary: 'Make a voucher for a product, a size and a term' })
  createVoucher(
    @CurrentUser() user: WebUser,
    @ZodBody(voucherBody) body: z.output<typeof voucherBody>,
  ): Promise<VoucherView> {
    return this.vouchers.create(personOf(user), body);
  }

  @Get('charges.csv')
  @ApiOperation({ summary: 'Approved orders with their payment details, for Finance (CSV)' })
  async chargesCsv(@Res({ passthrough: true }) res: Response): Promise<string> {
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', 'attachment; filename="storage-charges.csv"');
    res.setHeader('Cache-Control', 'private, no-store');
    return this.charges.csv();
  }
}

function parsedEmail(text: string): string {
  const parsed = personEmail.safeParse(text);
  if (!parsed.success)
    throw invalid('The address is not valid', [
      { field: 'email', message: parsed.error.issues[0]?.message ?? 'is not an email address' },
    ]);
  return parsed.data;
}

/** The request body, at most `limit` bytes: a larger one is refused (413) as soon as it is known to be. */
async function readBody(req: Request, limit: number): Promise<Buffer> {
  const tooLarge = () =>
    new PayloadTooLargeException(`The document must be at most ${(limit / 1024 / 1024).toFixed(1)} MB`);
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      req.destroy();
      throw tooLarge();
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
