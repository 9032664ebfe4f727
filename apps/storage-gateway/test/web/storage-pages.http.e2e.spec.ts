// storage-gateway's pages over plain HTTP (no browser needed): who may open and post what, the CSRF
// token on every form, each form's bad input answered with the form again and the problem by its
// field (400, nothing changed), and the pages' headers. The whole app as it runs: sign-in through the
// real OIDC provider, cufs-api and the backend simulator behind it.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { BrowserResponse } from '@app/testing';
import { addDays } from '../../src/domain/calendar.util.js';
import {
  type Person,
  PO_MAX_BYTES,
  startStorageGateway,
  type StorageGatewayHarness,
} from '../storage-gateway.harness.js';

let h: StorageGatewayHarness;
let rosa: Person; // rr101: owns an active account
let dev: Person; // dm202: not a member of it
let ada: Person; // aa303: administrator
let accountId: string;
let orderId: string;
let openOrderId: string;
let keys = 0;

async function buy(person: Person, sizeTb = 2) {
  const quote = await person.send('POST', '/api/quotes', {
    kind: 'new',
    productCode: 'RFS',
    sizeTb,
    years: 1,
  });
  const order = await person.send('POST', '/api/orders', {
    quoteId: quote.body.id,
    paymentMethod: 'finance_code',
    paymentReference: 'U.PN.PNLI.AAAA.ELKZ.0000',
    idempotencyKey: `pages-http-${++keys}`,
    account: { name: 'Page tests', departmentCode: 'PN', departmentName: 'Physics' },
  });
  expect(order.status).toBe(201);
  await h.queue.drained();
  return order.body as { id: string; account: { id: string } };
}

beforeAll(async () => {
  h = await startStorageGateway();
  [rosa, dev, ada] = await Promise.all([h.signIn('rr101'), h.signIn('dm202'), h.signIn('aa303')]);
  const order = await buy(rosa);
  orderId = order.id;
  accountId = order.account.id;
  expect((await ada.send('POST', `/api/admin/orders/${orderId}/approve`, {})).status).toBe(200);
  await h.queue.drained();
  openOrderId = (await buy(rosa, 3)).id;
}, 60_000);

afterAll(async () => {
  await h?.close();
});

/** A form posted as the browser would: urlencoded, with the session's CSRF token unless told otherwise. */
function post(
  person: Person,
  path: string,
  form: Record<string, string>,
  csrf = true,
): Promise<BrowserResponse> {
  return person.browser.request(`${h.baseUrl}${path}`, {
    method: 'POST',
    headers: { origin: h.baseUrl },
    form: csrf ? { _csrf: person.csrf, ...form } : form,
  });
}

const pages = () => [
  '/',
  '/me',
  '/buy',
  `/orders/${orderId}`,
  `/accounts/${accountId}`,
  `/accounts/${accountId}/renew`,
  `/accounts/${accountId}/increase`,
  '/admin/orders',
  `/admin/orders/${orderId}`,
  '/admin/products',
  '/admin/vouchers',
];

const forms = () => [
  '/buy',
  `/orders/${openOrderId}/cancel`,
  `/accounts/${accountId}/managers`,
  `/accounts/${accountId}/managers/remove`,
  `/accounts/${accountId}/owner`,
  `/accounts/${accountId}/projects`,
  `/accounts/${accountId}/renew`,
  `/accounts/${accountId}/increase`,
  `/admin/orders/${openOrderId}/approve`,
  `/admin/orders/${openOrderId}/reject`,
  `/admin/orders/${openOrderId}/cancel`,
  '/admin/products/RFS',
  '/admin/vouchers',
];

describe('who may open and post what', () => {
  it('sends someone not signed in to sign in, from every page and every form', async () => {
    for (const path of pages()) {
      const r = await fetch(`${h.baseUrl}${path}`, { redirect: 'manual' });
      expect([path, r.status]).toEqual([path, 302]);
      expect(r.headers.get('location')).toBe(`/auth/login?returnTo=${encodeURIComponent(path)}`);
    }
    for (const path of forms()) {
      const r = await fetch(`${h.baseUrl}${path}`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'email=x%40cam.ac.uk',
      });
      expect([path, r.status]).toEqual([path, 302]);
    }
    expect((await fetch(`${h.baseUrl}/buy/price?productCode=RFS&sizeTb=1&years=1`)).status).toBe(401);
  });

  it('refuses every form without the CSRF token (403 page), changing nothing', async () => {
    const before = await h.sg.prisma.auditEvent.count();
    for (const path of forms()) {
      const r = await post(ada, path, { email: 'x@cam.ac.uk', reason: 'no', name: 'p' }, false);
      expect([path, r.status]).toEqual([path, 403]);
      expect(r.headers.get('content-type')).toMatch(/^text\/html/);
      expect(r.text).toContain('CSRF');
    }
    expect(await h.sg.prisma.auditEvent.count()).toBe(before);
  });

  it("keeps the administrators' pages and forms from researchers (403 page)", async () => {
    for (const path of pages().filter((p) => p.startsWith('/admin'))) {
      const r = await rosa.get(path);
      expect([path, r.status]).toEqual([path, 403]);
      expect(r.text).toContain('<h1>Not for you</h1>');
    }
    for (const path of forms().filter((p) => p.startsWith('/admin'))) {
      expect([path, (await post(rosa, path, { reason: 'x' })).status]).toEqual([path, 403]);
    }
    expect((await h.sg.prisma.storageOrder.findUniqueOrThrow({ where: { id: openOrderId } })).state).toBe(
      'awaiting_approval',
    );
  });

  it("answers 404 to someone who is not a member, for another person's account and order, pages and forms", async () => {
    for (const path of [
      `/accounts/${accountId}`,
      `/accounts/${accountId}/renew`,
      `/accounts/${accountId}/increase`,
      `/orders/${orderId}`,
    ]) {
      const r = await dev.get(path);
      expect([path, r.status]).toEqual([path, 404]);
      expect(r.text).toContain('<h1>Page not found</h1>');
      expect(r.text).not.toContain('Page tests');
    }
    for (const [path, form] of [
      [`/accounts/${accountId}/managers`, { email: 'dev@cam.ac.uk' }],
      [`/accounts/${accountId}/projects`, { name: 'sneaky' }],
      [`/orders/${openOrderId}/cancel`, {}],
    ] as const) {
      expect([path, (await post(dev, path, form)).status]).toEqual([path, 404]);
    }
    expect((await h.sg.prisma.storageOrder.findUniqueOrThrow({ where: { id: openOrderId } })).state).toBe(
      'awaiting_approval',
    );
  });
});

describe('bad input comes back as the form with the problem by its field (400), nothing stored', () => {
  it('on the buy form', async () => {
    const before = await h.sg.prisma.storageOrder.count();
    const empty = await post(rosa, '/buy', { idempotencyKey: 'bad-form-0001', action: 'order' });
    expect(empty.status).toBe(400);
    for (const field of [
      'productCode',
      'sizeTb',
      'accountName',
      'departmentCode',
      'departmentName',
      'paymentMethod',
    ]) {
      expect(empty.text).toContain(`id="${field}-error"`);
    }
    const tooBig = await post(rosa, '/buy', {
      productCode: 'RFS',
      sizeTb: '500',
      years: '1',
      action: 'price',
    });
    expect(tooBig.status).toBe(400);
    expect(tooBig.text).toContain('Research File Share goes up to 200 TB');
    const noCode = await post(rosa, '/buy', {
      idempotencyKey: 'bad-form-0002',
      productCode: 'RFS',
      sizeTb: '1',
      years: '1',
      accountName: 'X',
      departmentCode: 'PN',
      departmentName: 'Physics',
      paymentMethod: 'finance_code',
      financeCode: '',
      action: 'order',
    });
    expect(noCode.status).toBe(400);
    expect(noCode.text).toContain('Enter the finance code');
    expect(await h.sg.prisma.storageOrder.count()).toBe(before);
    const price = await rosa.get('/buy/price?productCode=RFS&sizeTb=500&years=1');
    expect(price.body).toEqual({ problems: { sizeTb: 'Research File Share goes up to 200 TB' } });
    expect((await rosa.get('/buy/price?productCode=RFS&sizeTb=2&years=1')).body).toMatchObject({
      amount: '£278.00',
    });
  });

  it("on an account's forms", async () => {
    const before = await h.sg.prisma.auditEvent.count();
    const cases: [string, Record<string, string>, string][] = [
      [`/accounts/${accountId}/managers`, { email: 'not an address' }, 'id="addManager-email-error"'],
      [`/accounts/${accountId}/owner`, { email: 'new@cam.ac.uk' }, 'Tick the box to confirm'],
      [`/accounts/${accountId}/projects`, { name: 'Not Allowed' }, 'id="project-name-error"'],
      [
        `/accounts/${accountId}/renew`,
        { years: 'x', paymentMethod: 'finance_code', financeCode: 'U' },
        'id="years-error"',
      ],
      [`/accounts/${accountId}/increase`, { addTb: 'x', paymentMethod: 'voucher' }, 'id="addTb-error"'],
    ];
    for (const [path, form, shown] of cases) {
      const r = await post(rosa, path, form);
      expect([path, r.status]).toEqual([path, 400]);
      expect(r.text).toContain(shown);
    }
    const project = await post(rosa, `/accounts/${accountId}/projects`, { name: 'ok-project' });
    expect(project.status).toBe(303);
    const row = await h.sg.prisma.storageProject.findFirstOrThrow({
      where: { accountId, name: 'ok-project' },
    });
    const role = await post(rosa, `/accounts/${accountId}/projects/${row.id}/members`, {
      email: 'someone@cam.ac.uk',
      role: 'boss',
    });
    expect(role.status).toBe(400);
    expect(await h.sg.prisma.auditEvent.count()).toBe(before + 1);
  });

  it('on the renew and increase forms: a refused order keeps no quote; a good one makes one quote and one order', async () => {
    const order = await buy(rosa, 4);
    expect((await ada.send('POST', `/api/admin/orders/${order.id}/approve`, {})).status).toBe(200);
    await h.queue.drained();
    const account = order.account.id;
    // Renewal opens before the expiry: bring this account's expiry within the window.
    await h.sg.prisma.storageAccount.update({
      where: { id: account },
      data: { expiresOn: new Date(`${addDays(h.clock.today(), 20)}T00:00:00Z`) },
    });
    const counts = async () => ({
      quotes: await h.sg.prisma.storageQuote.count({ where: { accountId: account } }),
      orders: await h.sg.prisma.storageOrder.count({ where: { accountId: account } }),
    });
    const before = await counts();
    const refused: [string, Record<string, string>, string][] = [
      // the order refuses the voucher (checked in the order's transaction)
      ['increase', { addTb: '1', paymentMethod: 'voucher', voucherCode: 'NO-SUCH-VOUCHER' }, 'voucherCode'],
      ['renew', { years: '1', paymentMethod: 'voucher', voucherCode: 'NO-SUCH-VOUCHER' }, 'voucherCode'],
      // cufs-api refuses the finance code
      [
        'increase',
        { addTb: '1', paymentMethod: 'finance_code', financeCode: 'U.PN.PNXX.AAAA.ELKZ.0000' },
        'financeCode',
      ],
      [
        'renew',
        { years: '1', paymentMethod: 'finance_code', financeCode: 'U.PN.PNXX.AAAA.ELKZ.0000' },
        'financeCode',
      ],
    ];
    for (const [kind, form, field] of refused) {
      const r = await post(rosa, `/accounts/${account}/${kind}`, {
        ...form,
        idempotencyKey: `refused-${++keys}-key`,
        action: 'order',
      });
      expect([kind, field, r.status]).toEqual([kind, field, 400]);
      expect(r.text).toContain(`id="${field}-error"`);
      expect([kind, field, await counts()]).toEqual([kind, field, before]);
    }
    // A good one, sent twice: one quote, one order.
    const good = {
      addTb: '1',
      paymentMethod: 'finance_code',
      financeCode: 'U.PN.PNLI.AAAA.ELKZ.0000',
      idempotencyKey: `good-${++keys}-key`,
      action: 'order',
    };
    const first = await post(rosa, `/accounts/${account}/increase`, good);
    expect(first.status).toBe(303);
    const again = await post(rosa, `/accounts/${account}/increase`, good);
    expect(again.headers.get('location')).toBe(first.headers.get('location'));
    expect(await counts()).toEqual({ quotes: before.quotes + 1, orders: before.orders + 1 });
    // Another change while that one is open is refused (409), and keeps no quote either.
    const open = await post(rosa, `/accounts/${account}/increase`, {
      ...good,
      idempotencyKey: `good-${++keys}-key`,
    });
    expect(open.status).toBe(409);
    expect(await counts()).toEqual({ quotes: before.quotes + 1, orders: before.orders + 1 });
    await h.queue.drained();
  });

  it("on the administrators' forms", async () => {
    const reject = await post(ada, `/admin/orders/${openOrderId}/reject`, { reason: '' });
    expect(reject.status).toBe(400);
    expect(reject.text).toContain('id="reject-reason-error"');
    const product = await post(ada, '/admin/products/RFS', { name: 'Research File Share', price: 'cheap' });
    expect(product.status).toBe(400);
    expect(product.text).toContain('id="product-RFS-price-error"');
    const voucher = await post(ada, '/admin/vouchers', {
      code: 'x',
      productCode: 'RFS',
      sizeTb: '0',
      years: '1',
    });
    expect(voucher.status).toBe(400);
    expect(voucher.text).toContain('id="voucher-code-error"');
    expect((await ada.get('/admin/orders?state=bogus')).status).toBe(400);
    expect(
      (await h.sg.prisma.storageProduct.findUniqueOrThrow({ where: { code: 'RFS' } })).pricePerTbYear,
    ).toBe(13_900);
  });
});

describe("administrators' forms", () => {
  it('change a price, make a voucher, and find the charges export', async () => {
    const product = await post(ada, '/admin/products/RFS', {
      name: 'Research File Share',
      description: 'An SMB/NFS share.',
      price: '150.00',
      minTb: '1',
      maxTb: '200',
      stepTb: '1',
      termsYears: '1,2,3',
      active: 'yes',
    });
    expect(product.status).toBe(303);
    expect(
      (await h.sg.prisma.storageProduct.findUniqueOrThrow({ where: { code: 'RFS' } })).pricePerTbYear,
    ).toBe(15_000);
    const voucher = await post(ada, '/admin/vouchers', {
      code: 'PAGE-TEST-1',
      productCode: 'RFS',
      sizeTb: '1',
      years: '1',
      note: 'for the page test',
    });
    expect(voucher.status).toBe(303);
    expect((await ada.get('/admin/vouchers')).text).toContain('PAGE-TEST-1');
    expect((await ada.get('/admin/orders')).text).toContain('href="/api/admin/charges.csv"');
  });

  it('cancel an order the backend refused to set up, with a reason', async () => {
    const order = await buy(rosa, 1);
    h.backend.control.addFault({
      path: '/api/v1/allocations',
      status: 409,
      body: { error: { code: 'no_space', message: 'no space left' } },
      times: 1,
    });
    expect((await ada.send('POST', `/api/admin/orders/${order.id}/approve`, {})).status).toBe(200);
    await h.queue.drained();
    expect((await h.sg.prisma.storageOrder.findUniqueOrThrow({ where: { id: order.id } })).state).toBe(
      'provisioning',
    );
    const page = await ada.get(`/admin/orders/${order.id}`);
    expect(page.text).toContain(`action="/admin/orders/${order.id}/cancel"`);
    expect(page.text).toContain(
      '<strong id="provision-refusal">storage backend refused: no space left</strong>',
    );
    // the buyer's own cancel form cannot, and the administrator's needs a reason
    expect((await post(rosa, `/orders/${order.id}/cancel`, {})).status).toBe(409);
    const noReason = await post(ada, `/admin/orders/${order.id}/cancel`, { reason: ' ' });
    expect(noReason.status).toBe(400);
    expect(noReason.text).toContain('id="cancel-reason-error"');
    const cancelled = await post(ada, `/admin/orders/${order.id}/cancel`, {
      reason: 'no space in the backend',
    });
    expect(cancelled.status).toBe(303);
    const row = await h.sg.prisma.storageOrder.findUniqueOrThrow({
      where: { id: order.id },
      include: { account: true },
    });
    expect([row.state, row.account.state]).toEqual(['cancelled', 'closed']);
    expect((await ada.get(`/admin/orders/${order.id}`)).text).not.toContain('/cancel"');
    // the buyer reads the administrator's reason
    expect((await rosa.get(`/orders/${order.id}`)).text).toContain(
      'This order was cancelled: no space in the backend.',
    );
  });

  it('the buyer cancels an order before approval from its page', async () => {
    const r = await post(rosa, `/orders/${openOrderId}/cancel`, {});
    expect(r.status).toBe(303);
    expect((await rosa.get(`/orders/${openOrderId}`)).text).toContain('This order was cancelled');
  });
});

const BOUNDARY = '----storage-pages-test-boundary';
const part = (name: string, value: string) =>
  `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
const fileHead = `--${BOUNDARY}\r\nContent-Disposition: form-data; name="poFile"; filename="po.pdf"\r\nContent-Type: application/pdf\r\n\r\n`;
const pdf = () => Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');

/** The session cookies a person's browser sends, as a header. */
function cookiesOf(person: Person): string {
  return person.browser
    .cookieNames(h.baseUrl)
    .map((name) => `${name}=${person.browser.cookie(h.baseUrl, name) ?? ''}`)
    .join('; ');
}

/**
 * Starts a multipart POST that says it is 20 MB long, sends only its beginning (`head` and `bytes`,
 * 64 KB unless said, of the file), and waits for the answer. An app that reads the body before answering never answers
 * (the rest never comes): the wait fails after 10 s.
 */
function sendBeginning(
  path: string,
  head: string,
  headers: Record<string, string> = {},
  bytes = 64 * 1024,
): Promise<{ status: number; location: string | undefined; connection: string | undefined; text: string }> {
  const declared = 20 * 1024 * 1024;
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${h.baseUrl}${path}`, {
      method: 'POST',
      headers: {
        ...headers,
        'content-type': `multipart/form-data; boundary=${BOUNDARY}`,
        'content-length': String(declared),
      },
    });
    const timer = setTimeout(() => {
      req.destroy();
      reject(new Error(`${path}: no answer before the body was sent whole`));
    }, 10_000);
    req.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        clearTimeout(timer);
        req.destroy();
        resolve({
          status: res.statusCode ?? 0,
          location: res.headers.location,
          connection: res.headers.connection,
          text: Buffer.concat(chunks).toString('utf8'),
        });
      });
    });
    req.write(Buffer.concat([Buffer.from(head), Buffer.alloc(bytes, 0x41)]));
  });
}

describe('the purchase order form is read only for a signed-in session whose CSRF token comes first', () => {
  const paths = () => ['/buy', `/accounts/${accountId}/renew`, `/accounts/${accountId}/increase`];

  it('answers someone not signed in (sign-in redirect) without reading the body', async () => {
    for (const path of paths()) {
      const r = await sendBeginning(path, part('_csrf', 'whatever') + fileHead);
      expect([path, r.status]).toEqual([path, 302]);
      expect(r.location).toBe(`/auth/login?returnTo=${encodeURIComponent(path)}`);
      expect(r.connection).toBe('close');
    }
  });

  it('refuses a signed-in form whose file comes without a valid CSRF token before it (403 page), without reading on', async () => {
    const cookie = cookiesOf(rosa);
    const before = await h.sg.prisma.storageQuote.count();
    for (const path of paths()) {
      for (const head of [
        fileHead, // no token at all
        part('_csrf', 'not-the-token') + part('paymentMethod', 'purchase_order') + fileHead,
      ]) {
        const r = await sendBeginning(path, head, { cookie, origin: h.baseUrl });
        expect([path, r.status]).toEqual([path, 403]);
        expect(r.text).toContain('CSRF');
        expect(r.connection).toBe('close');
      }
      // another site's form is refused before anything is read, token or not
      const cross = await sendBeginning(path, part('_csrf', rosa.csrf) + fileHead, {
        cookie,
        origin: 'https://elsewhere.example',
      });
      expect([path, cross.status]).toEqual([path, 403]);
    }
    expect(await h.sg.prisma.storageQuote.count()).toBe(before);
  });

  it('reads at most a small budget of a signed-in form without a valid token, whatever its parts (403 page); with one, at most the file and the budget (413)', async () => {
    const cookie = cookiesOf(rosa);
    const path = `/accounts/${accountId}/increase`;
    const fileAs = (name: string, filename: string) =>
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"; filename="${filename}"\r\nContent-Type: application/pdf\r\n\r\n`;
    const fieldHead = (name: string) =>
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n`;
    // 1 MB of the 20 MB announced: more than the budget, far less than the body
    const MB = 1024 * 1024;
    for (const head of [
      fileAs('poFile', ''), // a file part without a filename: multer skips it, reading on
      part('_csrf', 'not-the-token') + fileAs('other', 'po.pdf'), // another field name
      part('_csrf', 'not-the-token') + fieldHead('note'), // no file part: a field too long
    ]) {
      const r = await sendBeginning(path, head, { cookie, origin: h.baseUrl }, MB);
      expect([head, r.status]).toEqual([head, 403]);
      expect(r.text).toContain('CSRF');
      expect(r.connection).toBe('close');
    }
    // a valid token first, then a part multer does not take: read up to the file's size and the budget
    for (const head of [
      part('_csrf', rosa.csrf) + fileAs('other', 'po.pdf'),
      part('_csrf', rosa.csrf) + fileAs('poFile', 'po.pdf'),
    ]) {
      const r = await sendBeginning(path, head, { cookie, origin: h.baseUrl }, MB);
      expect([head, r.status]).toEqual([head, 413]);
      expect(r.connection).toBe('close');
    }
  });

  it('takes a signed-in form with its token first: a PDF makes the order with its document; anything else is refused by its field', async () => {
    const send = (file: Buffer, idempotencyKey: string) => {
      const form = new FormData();
      form.append('_csrf', rosa.csrf);
      form.append('idempotencyKey', idempotencyKey);
      form.append('addTb', '1');
      form.append('paymentMethod', 'purchase_order');
      form.append('poNumber', 'PN100001');
      form.append('action', 'order');
      form.append('poFile', new Blob([file], { type: 'application/pdf' }), 'po.pdf');
      return fetch(`${h.baseUrl}/accounts/${accountId}/increase`, {
        method: 'POST',
        redirect: 'manual',
        headers: { cookie: cookiesOf(rosa), origin: h.baseUrl },
        body: form,
      });
    };
    const quotes = await h.sg.prisma.storageQuote.count();
    const notPdf = await send(Buffer.from('<html>not a pdf</html>'), `po-form-${++keys}-key`);
    expect(notPdf.status).toBe(400);
    expect(await notPdf.text()).toContain('id="poFile-error"');
    const tooLarge = await send(Buffer.concat([pdf(), Buffer.alloc(PO_MAX_BYTES)]), `po-form-${++keys}-key`);
    expect(tooLarge.status).toBe(400);
    expect(await tooLarge.text()).toContain('id="poFile-error"');
    expect(await h.sg.prisma.storageQuote.count()).toBe(quotes);

    const placed = await send(pdf(), `po-form-${++keys}-key`);
    expect(placed.status).toBe(303);
    const orderId = /\/orders\/([0-9a-f-]{36})/.exec(placed.headers.get('location') ?? '')?.[1] ?? '';
    expect(await h.sg.prisma.storagePurchaseOrderDocument.count({ where: { orderId } })).toBe(1);
    await h.queue.drained();
    const order = await h.sg.prisma.storageOrder.findUniqueOrThrow({ where: { id: orderId } });
    expect(order.state).toBe('awaiting_approval');
    // leave the account as the other tests expect it: no change in progress
    expect((await post(rosa, `/orders/${orderId}/cancel`, {})).status).toBe(303);
  });

  it('the form sent again after the object store failed keeps the PDF of the order it made', async () => {
    const send = (idempotencyKey: string) => {
      const form = new FormData();
      form.append('_csrf', rosa.csrf);
      form.append('idempotencyKey', idempotencyKey);
      form.append('addTb', '1');
      form.append('paymentMethod', 'purchase_order');
      form.append('poNumber', 'PN100001');
      form.append('action', 'order');
      form.append('poFile', new Blob([pdf()], { type: 'application/pdf' }), 'po.pdf');
      return fetch(`${h.baseUrl}/accounts/${accountId}/increase`, {
        method: 'POST',
        redirect: 'manual',
        headers: { cookie: cookiesOf(rosa), origin: h.baseUrl },
        body: form,
      });
    };
    // the object store cannot take purchase orders: a file where their folder should be
    const blocker = join(h.documentsDir, 'objects', 'purchase-orders');
    await rm(blocker, { recursive: true, force: true });
    await mkdir(dirname(blocker), { recursive: true });
    await writeFile(blocker, 'not a folder');
    const key = `po-form-${++keys}-key`;
    const failed = await send(key);
    expect([failed.status, failed.status === 500 ? '' : await failed.text()]).toEqual([500, '']);
    const order = await h.sg.prisma.storageOrder.findFirstOrThrow({ where: { idempotencyKey: key } });
    expect(await h.sg.prisma.storagePurchaseOrderDocument.count({ where: { orderId: order.id } })).toBe(0);

    await rm(blocker);
    const again = await send(key);
    expect(again.status).toBe(303);
    expect(again.headers.get('location')).toContain(`/orders/${order.id}`);
    expect(await h.sg.prisma.storagePurchaseOrderDocument.count({ where: { orderId: order.id } })).toBe(1);
    // a third sending adds nothing
    expect((await send(key)).status).toBe(303);
    expect(await h.sg.prisma.storagePurchaseOrderDocument.count({ where: { orderId: order.id } })).toBe(1);
    await h.queue.drained();
    expect((await post(rosa, `/orders/${order.id}/cancel`, {})).status).toBe(303);
  });
});

describe('every page', () => {
  it('is whole: no value left undefined, a main landmark, one h1, a label for every field', async () => {
    for (const path of pages()) {
      const person = path.startsWith('/admin') ? ada : rosa;
      const r = await person.get(path);
      expect([path, r.status]).toEqual([path, 200]);
      expect([path, /undefined|\[object Object\]/.test(r.text)]).toEqual([path, false]);
      expect([path, r.text.match(/<main /g)?.length]).toEqual([path, 1]);
      expect([path, r.text.match(/<h1>/g)?.length]).toEqual([path, 1]);
      const ids = [
        ...r.text.matchAll(/<(?:input|select|textarea) (?![^>]*type="hidden")[^>]*id="([^"]+)"/g),
      ].map((m) => m[1]);
      for (const id of ids) expect([path, id, r.text.includes(`for="${id}"`)]).toEqual([path, id, true]);
    }
  });
});

describe('headers', () => {
  it('pages carry a strict Content-Security-Policy and are not cached; static files are, at a hashed address', async () => {
    const page = await rosa.get('/');
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(page.headers.get('cache-control')).toBe('private, no-store');
    expect(page.text).not.toMatch(/<script>|style="/);
    // The platform's stylesheet (libs/service), then the app's own.
    const sheets = [...page.text.matchAll(/<link rel="stylesheet" href="([^"]+)">/g)].map((m) => m[1]);
    expect(sheets).toEqual([
      expect.stringMatching(/^\/static\/[0-9a-f]{16}\/platform\.css$/),
      expect.stringMatching(/^\/static\/[0-9a-f]{16}\/app\.css$/),
    ]);
    for (const css of sheets) {
      const file = await fetch(`${h.baseUrl}${css ?? ''}`);
      expect(file.status).toBe(200);
      expect(file.headers.get('content-type')).toBe('text/css; charset=utf-8');
      expect(file.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    }
    expect((await fetch(`${h.baseUrl}/static/0000000000000000/app.css`)).status).toBe(404);
    expect((await fetch(`${h.baseUrl}/static/0000000000000000/platform.css`)).status).toBe(404);
  });
});

describe('an address that matches no route', () => {
  it('is the 404 page for a browser, and stays JSON for the API, other methods and the probes', async () => {
    const page = await fetch(`${h.baseUrl}/no/such/page`, {
      headers: { accept: 'text/html,application/xhtml+xml' },
    });
    expect(page.status).toBe(404);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await page.text();
    expect(html).toContain('Page not found');
    expect(html).not.toMatch(/Cannot GET|at [A-Za-z]+ \(/);

    const api = await fetch(`${h.baseUrl}/api/no-such-thing`, { headers: { accept: 'application/json' } });
    expect(api.status).toBe(404);
    expect(api.headers.get('content-type')).toMatch(/^application\/json/);
    const post = await fetch(`${h.baseUrl}/no/such/page`, {
      method: 'POST',
      headers: { accept: 'text/html' },
    });
    expect(post.status).toBe(404);
    expect(post.headers.get('content-type')).toMatch(/^application\/json/);
    // a route that matched and found nothing keeps its own answer
    const missing = await fetch(`${h.baseUrl}/api/orders/00000000-0000-4000-8000-000000000000`, {
      headers: { accept: 'text/html' },
    });
    expect(missing.status).toBe(401);
    expect((await fetch(`${h.baseUrl}/healthz`)).status).toBe(200);
  });
});
