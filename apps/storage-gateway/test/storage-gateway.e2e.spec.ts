// storage-gateway end to end: people signed in through the real OIDC provider buy storage paid by
// finance code, grant, purchase order or voucher; cufs-api (real, with the CUFS simulator behind it)
// checks the payment from a Cloud Task; an administrator approves; provisioning sets the storage up in
// the backend simulator. Every check of who may see and change what, and of bad input.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  JOB_TOKEN,
  type Json,
  type Person,
  PO_MAX_BYTES,
  startStorageGateway,
  type StorageGatewayHarness,
} from './storage-gateway.harness.js';

let h: StorageGatewayHarness;
let rosa: Person; // rr101, a researcher
let dev: Person; // dm202, another researcher
let ada: Person; // aa303, an administrator (group storage-admins)
let keys = 0;
const key = () => `e2e-form-${++keys}`;
const account = { name: 'Imaging data', departmentCode: 'PN', departmentName: 'Physics' };
const pdf = (body = 'purchase order 1234') =>
  Buffer.from(`%PDF-1.7\n1 0 obj << /Title (${body}) >> endobj\n%%EOF\n`, 'latin1');

beforeAll(async () => {
  h = await startStorageGateway();
  [rosa, dev, ada] = await Promise.all([h.signIn('rr101'), h.signIn('dm202'), h.signIn('aa303')]);
});

afterAll(async () => {
  await h?.close();
});

/** Quotes and orders new storage; the payment check runs from the queue. */
async function buy(person: Person, paymentMethod: string, paymentReference: string, sizeTb = 2) {
  const quote = await person.send('POST', '/api/quotes', {
    kind: 'new',
    productCode: 'RFS',
    sizeTb,
    years: 1,
  });
  expect(quote.status).toBe(201);
  const order = await person.send('POST', '/api/orders', {
    quoteId: quote.body.id,
    paymentMethod,
    paymentReference,
    idempotencyKey: key(),
    account,
  });
  expect(order.status).toBe(201);
  await h.queue.drained();
  return { quote: quote.body, order: (await person.get(`/api/orders/${order.body.id}`)).body };
}

describe('who may call what', () => {
  it('refuses unauthenticated calls with 401', async () => {
    for (const path of ['/api/products', '/api/accounts', '/api/orders', '/api/admin/orders']) {
      expect((await fetch(`${h.baseUrl}${path}`)).status).toBe(401);
    }
    const post = await fetch(`${h.baseUrl}/api/quotes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(post.status).toBe(401);
  });

  it('refuses a change made with the session but without the CSRF token', async () => {
    const r = await rosa.browser.request(`${h.baseUrl}/api/quotes`, {
      json: { kind: 'new', productCode: 'RFS', sizeTb: 1, years: 1 },
    });
    expect(r.status).toBe(403);
  });

  it("keeps administrators' routes from everyone else (403)", async () => {
    expect((await rosa.get('/api/admin/orders')).status).toBe(403);
    expect((await rosa.send('PUT', '/api/admin/products/RFS', {})).status).toBe(403);
    expect((await ada.get('/api/admin/orders')).status).toBe(200);
  });

  it('keeps job and task routes for the job token', async () => {
    expect((await fetch(`${h.baseUrl}/jobs/renewals?dry_run=1`, { method: 'POST' })).status).toBe(401);
    expect((await rosa.send('POST', '/jobs/renewals?dry_run=1')).status).toBe(401);
    const run = await fetch(`${h.baseUrl}/jobs/renewals?dry_run=1`, {
      method: 'POST',
      headers: { authorization: `Bearer ${JOB_TOKEN}` },
    });
    expect(run.status).toBe(200);
  });

  it('documents the task bodies in the OpenAPI document, one branch per shared schema', async () => {
    const document = (await (await fetch(`${h.baseUrl}/api/openapi.json`)).json()) as Json;
    const operation = document.paths['/tasks/{name}'].post;
    const name = operation.parameters.find((p: Json) => p.in === 'path' && p.name === 'name');
    expect(name.schema.enum).toEqual(
      expect.arrayContaining(['apply-access', 'check-payment', 'provision', 'renewals', 'sync-members']),
    );
    const branches = operation.requestBody.content['application/json'].schema.anyOf as Json[];
    // The tasks of an order share one schema, those of an account another: one branch each.
    expect(branches.map((branch) => branch.title).sort()).toEqual([
      'apply-access, sync-members',
      'check-payment, provision',
    ]);
    const orderBranch = branches.find((branch) => branch.title === 'check-payment, provision');
    expect(orderBranch.required).toEqual(['orderId']);
  });
});

describe('bad input', () => {
  it('names each field that is wrong', async () => {
    const quote = await rosa.send('POST', '/api/quotes', {
      kind: 'new',
      productCode: 'RFS',
      sizeTb: 0.5,
      years: 'one',
    });
    expect(quote.status).toBe(400);
    expect(quote.body.problems.map((p: { field: string }) => p.field).sort()).toEqual(['sizeTb', 'years']);
    const priced = await rosa.send('POST', '/api/quotes', {
      kind: 'new',
      productCode: 'RFS',
      sizeTb: 500,
      years: 1,
    });
    expect(priced).toMatchObject({
      status: 400,
      body: { problems: [{ field: 'sizeTb', message: 'Research File Share goes up to 200 TB' }] },
    });
    const order = await rosa.send('POST', '/api/orders', {
      quoteId: 'nope',
      paymentMethod: 'cash',
      paymentReference: '',
      idempotencyKey: 'x',
    });
    expect(order.status).toBe(400);
    expect(order.body.problems.map((p: { field: string }) => p.field).sort()).toEqual([
      'idempotencyKey',
      'paymentMethod',
      'paymentReference',
      'quoteId',
    ]);
    expect((await rosa.get('/api/quotes?limit=0')).status).toBe(400);
  });
});

describe('buying storage', () => {
  it('by finance code: checked by cufs-api, approved, provisioned', async () => {
    const { order } = await buy(rosa, 'finance_code', 'u pn pnli aaaa elkz 0000');
    expect(order).toMatchObject({
      state: 'awaiting_approval',
      paymentReference: 'U PN PNLI AAAA ELKZ 0000',
      paymentCheck: { valid: true, kind: 'gl', normalised: 'U.PN.PNLI.AAAA.ELKZ.0000' },
    });

    const queue = await ada.get('/api/admin/orders?state=awaiting_approval&product=RFS');
    expect(queue.body.map((o: { id: string }) => o.id)).toContain(order.id);
    // Approving has no dry run: asking for one is a 400 that approves nothing.
    const dry = await ada.send('POST', `/api/admin/orders/${order.id}/approve?dry_run=1`, { reason: 'x' });
    expect(dry.status).toBe(400);
    expect((await rosa.get(`/api/orders/${order.id}`)).body.state).toBe('awaiting_approval');
    const approved = await ada.send('POST', `/api/admin/orders/${order.id}/approve`, {
      reason: 'paid by Physics',
    });
    expect(approved).toMatchObject({
      status: 200,
      body: { state: 'approved', decidedBy: 'aa303@uni.example.ac.uk' },
    });
    await h.queue.drained();

    expect((await rosa.get(`/api/orders/${order.id}`)).body.state).toBe('completed');
    const accountView = await rosa.get(`/api/accounts/${order.account.id}`);
    expect(accountView.body).toMatchObject({
      state: 'active',
      sizeTb: 2,
      myRole: 'owner',
      startsOn: '2026-06-01',
      expiresOn: '2027-06-01',
    });
    expect(h.backend.allocation(order.account.reference)).toMatchObject({
      product: 'RFS',
      quotaTb: 2,
      access: 'read-write',
    });
    expect((await rosa.get('/api/accounts')).body.map((a: { id: string }) => a.id)).toContain(
      order.account.id,
    );
  });

  it('by grant code', async () => {
    const { order } = await buy(rosa, 'grant_code', 'ZZAG001/RG12345/1/other costs');
    expect(order).toMatchObject({ state: 'awaiting_approval', paymentCheck: { valid: true, kind: 'grant' } });
  });

  it("a bad finance code is rejected with cufs-api's words, and the pending account closed", async () => {
    const { order } = await buy(rosa, 'finance_code', 'U.PN.PNXX.AAAA.ELKZ.0000');
    expect(order.state).toBe('payment_rejected');
    expect(order.paymentCheck.problems).toEqual([
      expect.objectContaining({ part: 'cost-centre', message: expect.stringContaining('PNXX') }),
    ]);
    expect((await rosa.get(`/api/accounts/${order.account.id}`)).body.state).toBe('closed');
  });

  it('while cufs-api cannot check, the order waits (503 to the queue) and goes on when it can', async () => {
    h.holdRetries();
    h.cufs.cufs.control.addFault({ path: '/api/v1', status: 503 });
    h.attempts.length = 0;
    const quote = await rosa.send('POST', '/api/quotes', {
      kind: 'new',
      productCode: 'RFS',
      sizeTb: 1,
      years: 1,
    });
    const order = await rosa.send('POST', '/api/orders', {
      quoteId: quote.body.id,
      paymentMethod: 'finance_code',
      paymentReference: 'U.CH.CHAA.AAAA.EAAA.0000',
      idempotencyKey: key(),
      account,
    });
    while (!h.attempts.some((a) => a.job === 'check-payment')) await new Promise((r) => setTimeout(r, 10));
    expect(h.attempts.find((a) => a.job === 'check-payment')).toMatchObject({ status: 503 });
    expect((await rosa.get(`/api/orders/${order.body.id}`)).body.state).toBe('checking_payment');

    h.cufs.reset();
    h.releaseRetries();
    await h.queue.drained();
    expect((await rosa.get(`/api/orders/${order.body.id}`)).body.state).toBe('awaiting_approval');
  });

  it('the same form sent twice makes one order', async () => {
    const quote = await rosa.send('POST', '/api/quotes', {
      kind: 'new',
      productCode: 'RFS',
      sizeTb: 1,
      years: 1,
    });
    const form = {
      quoteId: quote.body.id,
      paymentMethod: 'finance_code',
      paymentReference: 'U.PN.PNLI.AAAA.ELKZ.0000',
      idempotencyKey: key(),
      account,
    };
    const [a, b] = await Promise.all([
      rosa.send('POST', '/api/orders', form),
      rosa.send('POST', '/api/orders', form),
    ]);
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(a.body.id).toBe(b.body.id);
    await h.queue.drained();
  });

  it('a voucher pays once', async () => {
    const make = async (person: Person) => {
      const quote = await person.send('POST', '/api/quotes', {
        kind: 'new',
        productCode: 'IFS',
        sizeTb: 1,
        years: 1,
      });
      return person.send('POST', '/api/orders', {
        quoteId: quote.body.id,
        paymentMethod: 'voucher',
        paymentReference: 'demo-ifs-college',
        idempotencyKey: key(),
        account: { ...account, name: 'College share' },
      });
    };
    expect((await make(rosa)).status).toBe(201);
    const second = await make(dev);
    expect(second).toMatchObject({
      status: 400,
      body: {
        problems: [{ field: 'paymentReference', message: 'voucher DEMO-IFS-COLLEGE has been used already' }],
      },
    });
    await h.queue.drained();
  });
});

describe('purchase orders', () => {
  it("takes a PDF checked by content and size, kept for the order's people and administrators only", async () => {
    const { order } = await buy(rosa, 'purchase_order', 'PN100001');
    const notPdf = await rosa.upload(
      `/api/orders/${order.id}/documents`,
      Buffer.from('\x89PNG\r\n\x1a\n...', 'latin1'),
    );
    expect(notPdf).toMatchObject({
      status: 400,
      body: { problems: [{ field: 'file', message: 'the file is not a PDF' }] },
    });
    const tooLarge = await rosa.upload(
      `/api/orders/${order.id}/documents`,
      Buffer.concat([pdf(), Buffer.alloc(PO_MAX_BYTES)]),
    );
    expect(tooLarge.status).toBe(413);
    expect((await rosa.get(`/api/orders/${order.id}/documents`)).body).toEqual([]);

    const stored = await rosa.upload(`/api/orders/${order.id}/documents`, pdf());
    expect(stored).toMatchObject({
      status: 201,
      body: { bytes: pdf().length, uploadedBy: 'rr101@uni.example.ac.uk' },
    });
    const sha = stored.body.sha256 as string;
    const download = await rosa.get(`/api/orders/${order.id}/documents/${sha}`);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('application/pdf');
    expect(download.text).toContain('%PDF-1.7');
    expect((await ada.get(`/api/orders/${order.id}/documents/${sha}`)).status).toBe(200);
    expect((await dev.get(`/api/orders/${order.id}/documents/${sha}`)).status).toBe(404);
    expect((await dev.upload(`/api/orders/${order.id}/documents`, pdf('mine'))).status).toBe(404);
  });
});

describe("one person cannot see or change another's", () => {
  it('accounts, orders and quotes answer 404', async () => {
    const { quote, order } = await buy(rosa, 'finance_code', 'U.PN.PNLI.AAAA.ELKZ.0000');
    expect((await dev.get(`/api/orders/${order.id}`)).status).toBe(404);
    expect((await dev.get(`/api/quotes/${quote.id}`)).status).toBe(404);
    expect((await dev.get(`/api/accounts/${order.account.id}`)).status).toBe(404);
    expect((await dev.send('POST', `/api/orders/${order.id}/cancel`, {})).status).toBe(404);
    expect(
      (await dev.send('POST', `/api/accounts/${order.account.id}/managers`, { email: dev.email })).status,
    ).toBe(404);
    expect((await dev.get('/api/orders')).body.map((o: { id: string }) => o.id)).not.toContain(order.id);
  });

  it('the owner adds a manager, who then sees the account', async () => {
    const { order } = await buy(rosa, 'finance_code', 'U.PN.PNLI.AAAA.ELKZ.0000');
    const added = await rosa.send('POST', `/api/accounts/${order.account.id}/managers`, { email: dev.email });
    expect(added.status).toBe(200);
    expect((await dev.get(`/api/accounts/${order.account.id}`)).body.myRole).toBe('data-manager');
    expect(
      (await rosa.send('POST', `/api/accounts/${order.account.id}/managers`, { email: 'not an address' }))
        .status,
    ).toBe(400);
  });
});

describe('administrators', () => {
  it('change prices, make vouchers, and export the charges as CSV', async () => {
    const product = await ada.send('PUT', '/api/admin/products/TST', {
      name: 'Test storage',
      description: 'for the test',
      pricePerTbYear: 100,
      minTb: 1,
      maxTb: 2,
      stepTb: 1,
      termsYears: [1],
      active: true,
    });
    expect(product.status).toBe(200);
    expect((await ada.send('PUT', '/api/admin/products/bad code', { name: 'x' })).status).toBe(400);
    expect(
      (
        await ada.send('POST', '/api/admin/vouchers', {
          code: 'FREE-TST',
          productCode: 'TST',
          sizeTb: 1,
          years: 1,
          note: 'test',
        })
      ).status,
    ).toBe(201);
    expect(
      (
        await ada.send('POST', '/api/admin/vouchers', {
          code: 'FREE-TST',
          productCode: 'TST',
          sizeTb: 1,
          years: 1,
          note: 'again',
        })
      ).status,
    ).toBe(409);
    const csv = await ada.get('/api/admin/charges.csv');
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csv.text.split('\r\n')[0]).toMatch(/^order,approved_at,state,account/);
    expect(csv.text).toContain('U PN PNLI AAAA ELKZ 0000');
  });

  it('reject needs a reason', async () => {
    const { order } = await buy(rosa, 'finance_code', 'U.PN.PNLI.AAAA.ELKZ.0000');
    expect((await ada.send('POST', `/api/admin/orders/${order.id}/reject`, {})).status).toBe(400);
    const rejected = await ada.send('POST', `/api/admin/orders/${order.id}/reject`, {
      reason: 'duplicate of an earlier order',
    });
    expect(rejected.body).toMatchObject({
      state: 'rejected',
      decisionReason: 'duplicate of an earlier order',
    });
    expect((await ada.send('POST', `/api/admin/orders/${order.id}/approve`, {})).status).toBe(409);
  });
});

describe("an account's people over HTTP", () => {
  it('owner hands on, projects and members: 401 unauthenticated, 403 without CSRF, 400 bad input, 404 not yours', async () => {
    const { order } = await buy(rosa, 'finance_code', 'U.PN.PNLI.AAAA.ELKZ.0000');
    const id = order.account.id as string;
    const base = `/api/accounts/${id}`;
    // unauthenticated
    for (const [method, path] of [
      ['POST', `${base}/owner`],
      ['POST', `${base}/projects`],
      ['PUT', `${base}/projects/${id}/members/x@example.ac.uk`],
      ['DELETE', `${base}/managers/x@example.ac.uk`],
    ] as const) {
      expect(
        (
          await fetch(`${h.baseUrl}${path}`, {
            method,
            headers: { 'content-type': 'application/json' },
            body: '{}',
          })
        ).status,
      ).toBe(401);
    }
    // with the session but without the CSRF token
    expect(
      (await rosa.browser.request(`${h.baseUrl}${base}/projects`, { json: { name: 'imaging' } })).status,
    ).toBe(403);
    // bad input, each naming its field
    expect((await rosa.send('POST', `${base}/projects`, { name: 'Has Spaces' })).body.problems[0].field).toBe(
      'name',
    );
    expect((await rosa.send('POST', `${base}/owner`, { email: 'nobody' })).body.problems[0].field).toBe(
      'email',
    );
    // not yours
    expect((await dev.send('POST', `${base}/projects`, { name: 'imaging' })).status).toBe(404);

    const withProject = await rosa.send('POST', `${base}/projects`, { name: 'imaging' });
    expect(withProject.status).toBe(201);
    const projectId = withProject.body.projects[0].id as string;
    const member = await rosa.send(
      'PUT',
      `${base}/projects/${projectId}/members/${encodeURIComponent('Dev.User@Uni.Example.ac.uk')}`,
      { role: 'user' },
    );
    expect(member.body.projects[0].users).toEqual(['dev.user@uni.example.ac.uk']);
    expect(
      (await rosa.send('PUT', `${base}/projects/${projectId}/members/x@example.ac.uk`, { role: 'owner' }))
        .status,
    ).toBe(400);
    expect(
      (await rosa.send('DELETE', `${base}/projects/${projectId}/members/dev.user@uni.example.ac.uk`)).body
        .projects[0].users,
    ).toEqual([]);

    // the owner hands on (any case of the address), stays a manager; the new owner sees it as theirs
    const handed = await rosa.send('POST', `${base}/owner`, {
      email: dev.email.toUpperCase(),
      reason: 'moving on',
    });
    expect(handed.body).toMatchObject({ owner: dev.email, managers: [rosa.email] });
    expect((await dev.get(base)).body.myRole).toBe('owner');
    // a manager who is not the owner may not hand it on
    expect((await rosa.send('POST', `${base}/owner`, { email: rosa.email })).status).toBe(403);
  });
});

describe('retrying an order', () => {
  it("administrators queue an order's work again; others may not; an order with nothing pending has nothing to retry", async () => {
    const { order } = await buy(rosa, 'finance_code', 'U.PN.PNLI.AAAA.ELKZ.0000');
    expect((await ada.send('POST', `/api/admin/orders/${order.id}/retry`)).status).toBe(409); // awaiting approval

    // the backend is down when the order is approved: provisioning waits for a retry
    h.holdRetries();
    h.backend.control.addFault({ path: '/api/v1', status: 503 });
    h.attempts.length = 0;
    expect((await ada.send('POST', `/api/admin/orders/${order.id}/approve`, {})).status).toBe(200);
    while (!h.attempts.some((a) => a.job === 'provision')) await new Promise((r) => setTimeout(r, 10));
    expect(h.attempts.find((a) => a.job === 'provision')).toMatchObject({ status: 503 });
    expect((await rosa.get(`/api/orders/${order.id}`)).body.state).toBe('provisioning');

    // fixed: an administrator retries at once rather than waiting for the queue
    h.backend.reset();
    expect((await rosa.send('POST', `/api/admin/orders/${order.id}/retry`)).status).toBe(403);
    expect((await ada.send('POST', `/api/admin/orders/${order.id}/retry`)).status).toBe(200);
    while ((await rosa.get(`/api/orders/${order.id}`)).body.state !== 'completed')
      await new Promise((r) => setTimeout(r, 20));
    h.releaseRetries();
    await h.queue.drained();
    expect(h.backend.allocation(order.account.reference)).toMatchObject({ quotaTb: 2, access: 'read-write' });
  });

  it('refuses an unauthenticated upload before reading its body', async () => {
    const { order } = await buy(rosa, 'purchase_order', 'PN100001');
    const response = await fetch(`${h.baseUrl}/api/orders/${order.id}/documents`, {
      method: 'POST',
      headers: { 'content-type': 'application/pdf' },
      body: pdf(),
    });
    expect(response.status).toBe(401);
  });
});
