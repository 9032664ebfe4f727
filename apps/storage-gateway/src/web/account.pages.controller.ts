import { ConflictException, Controller, Get, Param, Post, Req, Res, UseFilters } from '@nestjs/common';
import type { Request, Response } from 'express';
import { z } from 'zod';
import { CurrentUser, SignedInPage, type WebUser } from '@app/auth';
import { emailAddress } from '@app/identifiers';
import { AccountsService } from '../accounts/accounts.service.js';
import type { AccountDetail } from '../accounts/account.types.js';
import { managesAccount } from '../accounts/membership.util.js';
import { memberBody, projectBody } from '../api/api.schemas.js';
import { personOf } from '../api/person.util.js';
import { PurchaseOrderDocuments } from '../documents/purchase-order-documents.service.js';
import type { Person } from '../domain/person.js';
import { OrdersService } from '../orders/orders.service.js';
import type { QuoteRequestInput } from '../quotes/quote.types.js';
import { FormOrders } from './buy.pages.js';
import { type FieldErrors, formOf, prefixed, serviceErrors, wholeNumber, zodErrors } from './forms.util.js';
import { PageErrorsFilter } from './page-errors.filter.js';
import { PagesRenderer, viewerOf } from './pages.renderer.js';
import type { RequestWithUpload } from './upload.middleware.js';

const ORDERS_SHOWN = 50;
const emailForm = z.object({ email: emailAddress });
const ownerForm = z.object({
  email: emailAddress,
  confirm: z.literal('yes', { message: 'Tick the box to confirm you hand the storage on' }),
});
const memberForm = z.object({ email: emailAddress }).extend(memberBody.shape);

type ChangeKind = 'renew' | 'increase';
/** The two forms that order a change to an account differ in one number: the term, or the TB to add. */
const CHANGES: Record<
  ChangeKind,
  {
    field: string;
    initial: string;
    problem: string;
    quote: (accountId: string, n: number) => QuoteRequestInput;
  }
> = {
  renew: {
    field: 'years',
    initial: '1',
    problem: 'Choose a term',
    quote: (accountId, years) => ({ kind: 'renewal', accountId, years }),
  },
  increase: {
    field: 'addTb',
    initial: '1',
    problem: 'Enter the TB to add as a whole number',
    quote: (accountId, addTb) => ({ kind: 'increase', accountId, addTb }),
  },
};

/**
 * An account's page and its forms: people, projects, handing ownership on, more space, renewal. Each
 * form posts to its own address and comes back to the page (303); a form's problems are shown by its
 * fields. Who may do what is the services' to decide; the page only hides forms the viewer cannot use.
 */
@Controller('accounts/:id')
@SignedInPage()
@UseFilters(PageErrorsFilter)
export class AccountPagesController {
  constructor(
    private readonly pages: PagesRenderer,
    private readonly accounts: AccountsService,
    private readonly orders: OrdersService,
    private readonly documents: PurchaseOrderDocuments,
    private readonly forms: FormOrders,
  ) {}

  @Get()
  async show(@CurrentUser() user: WebUser, @Param('id') id: string, @Res() res: Response): Promise<void> {
    await this.render(res, user, id, {}, {}, 200);
  }

  @Post('managers')
  addManager(
    @CurrentUser() user: WebUser,
    @Param('id') id: string,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    return this.act(res, user, id, 'addManager', req.body, emailForm, (p, body) =>
      this.accounts.addManager(p, id, body.email),
    );
  }

  @Post('managers/remove')
  removeManager(
    @CurrentUser() user: WebUser,
    @Param('id') id: string,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    return this.act(res, user, id, 'removeManager', req.body, emailForm, (p, body) =>
      this.accounts.removeManager(p, id, body.email),
    );
  }

  @Post('owner')
  handOn(@CurrentUser() user: WebUser, @Param('id') id: string, @Req() req: Request, @Res() res: Response) {
    return this.act(res, user, id, 'owner', req.body, ownerForm, (p, body) =>
      this.accounts.handOwnership(p, id, body.email),
    );
  }

  @Post('projects')
  createProject(
    @CurrentUser() user: WebUser,
    @Param('id') id: string,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    return this.act(res, user, id, 'project', req.body, projectBody, (p, body) =>
      this.accounts.createProject(p, id, body.name),
    );
  }

  @Post('projects/:projectId/members')
  setMember(
    @CurrentUser() user: WebUser,
    @Param('id') id: string,
    @Param('projectId') projectId: string,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    return this.act(res, user, id, `member-${projectId}`, req.body, memberForm, (p, body) =>
      this.accounts.setProjectMember(p, id, projectId, body.email, body.role),
    );
  }

  @Post('projects/:projectId/members/remove')
  removeMember(
    @CurrentUser() user: WebUser,
    @Param('id') id: string,
    @Param('projectId') projectId: string,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    return this.act(res, user, id, `member-${projectId}`, req.body, emailForm, (p, body) =>
      this.accounts.removeProjectMember(p, id, projectId, body.email),
    );
  }

  @Get('renew')
  renewForm(@CurrentUser() user: WebUser, @Param('id') id: string, @Res() res: Response): Promise<void> {
    return this.changeForm(res, user, id, 'renew');
  }

  @Post('renew')
  renew(
    @CurrentUser() user: WebUser,
    @Param('id') id: string,
    @Req() req: Request & RequestWithUpload,
    @Res() res: Response,
  ): Promise<void> {
    return this.placeChange(res, user, id, 'renew', req);
  }

  @Get('increase')
  increaseForm(@CurrentUser() user: WebUser, @Param('id') id: string, @Res() res: Response): Promise<void> {
    return this.changeForm(res, user, id, 'increase');
  }

  @Post('increase')
  increase(
    @CurrentUser() user: WebUser,
    @Param('id') id: string,
    @Req() req: Request & RequestWithUpload,
    @Res() res: Response,
  ): Promise<void> {
    return this.placeChange(res, user, id, 'increase', req);
  }

  private async changeForm(res: Response, user: WebUser, id: string, kind: ChangeKind): Promise<void> {
    const { field, initial } = CHANGES[kind];
    const form = { [field]: initial, idempotencyKey: this.forms.newKey(), paymentMethod: 'finance_code' };
    await this.renderChange(res, user, id, kind, form, {}, 200);
  }

  /** A renewal or more space ordered from its form ("Update price" only shows the form again, priced). */
  private async placeChange(
    res: Response,
    user: WebUser,
    id: string,
    kind: ChangeKind,
    req: Request & RequestWithUpload,
  ): Promise<void> {
    const change = CHANGES[kind];
    const form = formOf(req.body);
    const errors: FieldErrors = {};
    const n = wholeNumber(form[change.field]);
    if (!Number.isInteger(n)) errors[change.field] = change.problem;
    if (form.action === 'price' && req.upload?.tooLarge !== true) {
      const status = Object.keys(errors).length > 0 ? 400 : 200;
      await this.renderChange(res, user, id, kind, form, errors, status);
      return;
    }
    const quote = change.quote(id, Number.isInteger(n) ? n : 1);
    const placed = await this.forms.change(personOf(user), quote, form, req.upload, errors);
    if (placed.ok) return res.redirect(303, `/orders/${placed.orderId}?placed=1`);
    await this.renderChange(res, user, id, kind, form, placed.errors, 400);
  }

  /** Runs one form's change: its fields checked, the service called; problems come back to the page. */
  private async act<S extends z.ZodType>(
    res: Response,
    user: WebUser,
    id: string,
    formName: string,
    body: unknown,
    schema: S,
    change: (person: Person, body: z.output<S>) => Promise<AccountDetail>,
  ): Promise<void> {
    const form = formOf(body);
    const input = Object.fromEntries(Object.entries(form).map(([k, v]) => [k, v.trim()]));
    if (typeof input.email === 'string') input.email = input.email.toLowerCase();
    const parsed = schema.safeParse(input);
    if (!parsed.success) {
      await this.render(
        res,
        user,
        id,
        prefixed(formName, zodErrors(parsed.error)),
        { [formName]: form },
        400,
      );
      return;
    }
    try {
      await change(personOf(user), parsed.data);
    } catch (error) {
      const shown = error instanceof ConflictException ? { form: error.message } : serviceErrors(error);
      if (shown === null) throw error;
      await this.render(res, user, id, prefixed(formName, shown), { [formName]: form }, 400);
      return;
    }
    res.redirect(303, `/accounts/${id}`);
  }

  private async render(
    res: Response,
    user: WebUser,
    id: string,
    errors: FieldErrors,
    forms: Record<string, Record<string, string>>,
    status: number,
  ): Promise<void> {
    const person = personOf(user);
    const account = await this.accounts.show(person, id);
    const manages = person.admin || managesAccount(account.myRole);
    const orders = manages ? await this.orders.forAccount(person, id, ORDERS_SHOWN) : [];
    this.pages.send(
      res,
      'account',
      `${Object.keys(errors).length > 0 ? 'Error: ' : ''}${account.name}`,
      viewerOf(user),
      {
        account,
        orders,
        manages,
        isOwner: account.myRole === 'owner',
        errors,
        forms,
      },
      status,
    );
  }

  private async renderChange(
    res: Response,
    user: WebUser,
    id: string,
    kind: ChangeKind,
    form: Record<string, string>,
    errors: FieldErrors,
    status: number,
  ): Promise<void> {
    const person = personOf(user);
    const account = await this.accounts.show(person, id);
    // The price as the service would quote it now (404 for someone who may not order for the account).
    const n = wholeNumber(form[CHANGES[kind].field]);
    const priced = Number.isInteger(n) ? await this.forms.preview(person, CHANGES[kind].quote(id, n)) : null;
    if (priced !== null && !priced.ok) {
      for (const [field, message] of Object.entries(priced.errors)) {
        errors[field === 'accountId' ? 'form' : field] ??= message;
      }
      // Opening the page is fine (it says when renewal opens); a form sent with these problems is not.
      if (form.action !== undefined && status === 200) status = 400;
    }
    const title = kind === 'renew' ? `Renew ${account.name}` : `More space for ${account.name}`;
    this.pages.send(
      res,
      kind,
      `${Object.keys(errors).length > 0 ? 'Error: ' : ''}${title}`,
      viewerOf(user),
      {
        account,
        form: { idempotencyKey: this.forms.newKey(), ...form },
        errors,
        price: priced?.ok === true ? priced.quote : null,
        maxBytes: this.documents.maxBytes,
        scripts: ['buy.js'],
      },
      status,
    );
  }
}
