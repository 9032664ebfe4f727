import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { caller, type CufsApiHarness, DATE, operator, startCufsApiHarness } from './cufs-api.harness.js';

describe('cufs-api end to end: checks through the real client and the CUFS simulator', () => {
  let t: CufsApiHarness;
  const check = (body: Record<string, unknown>) =>
    t
      .server()
      .post('/finance-codes/check')
      .set(caller)
      .send({ date: DATE, ...body });

  beforeAll(async () => {
    t = await startCufsApiHarness();
  });
  afterAll(() => t.close());
  beforeEach(() => t.reset());

  it('answers a valid GL code with every part described, in one CUFS read per part', async () => {
    const response = await check({ code: ' u-pn-pnli-aaaa-elkz-0000 ' }).expect(200);
    expect(response.body).toEqual({
      valid: true,
      kind: 'gl',
      normalised: 'U.PN.PNLI.AAAA.ELKZ.0000',
      description:
        'Department of Physics / Physics: Research Computing / Chest: general / Computer services and storage',
      parts: [
        { name: 'entity', value: 'U', description: null, ok: true },
        { name: 'department', value: 'PN', description: 'Department of Physics', ok: true },
        { name: 'cost-centre', value: 'PNLI', description: 'Physics: Research Computing', ok: true },
        { name: 'source-of-funds', value: 'AAAA', description: 'Chest: general', ok: true },
        { name: 'transaction-code', value: 'ELKZ', description: 'Computer services and storage', ok: true },
        { name: 'spare', value: '0000', description: null, ok: true },
      ],
      problems: [],
    });
    expect(t.cufsReads()).toBe(4);
  });

  it.each([
    [
      'department disabled',
      'U.ZZ.ZZAA.AAAA.ELKZ.0000',
      'department',
      'disabled',
      'department ZZ is disabled in CUFS and cannot be charged',
    ],
    [
      'cost centre unknown',
      'U.PN.PNLX.AAAA.ELKZ.0000',
      'cost-centre',
      'unknown',
      'cost centre PNLX does not exist in department PN',
    ],
    [
      'cost centre disabled',
      'U.PN.PNAB.AAAA.ELKZ.0000',
      'cost-centre',
      'disabled',
      'cost centre PNAB is disabled in CUFS and cannot be charged',
    ],
    [
      'cost centre ended',
      'U.PN.PNEX.AAAA.ELKZ.0000',
      'cost-centre',
      'ended',
      'cost centre PNEX could be charged only until 2021-07-31 (the charge date is 2026-06-01)',
    ],
    [
      'cost centre not started',
      'U.CH.CHNW.AAAA.ELKZ.0000',
      'cost-centre',
      'not-started',
      'cost centre CHNW cannot be charged before 2099-01-01 (the charge date is 2026-06-01)',
    ],
    [
      'cost centre of another department',
      'U.PN.PNCH.AAAA.ELKZ.0000',
      'cost-centre',
      'wrong-department',
      'cost centre PNCH belongs to department CH, not PN',
    ],
    [
      'source of funds unknown',
      'U.PN.PNLI.ABCD.ELKZ.0000',
      'source-of-funds',
      'unknown',
      'source of funds ABCD does not exist',
    ],
    [
      'source of funds disabled',
      'U.PN.PNLI.AZZZ.ELKZ.0000',
      'source-of-funds',
      'disabled',
      'source of funds AZZZ is disabled in CUFS and cannot be charged',
    ],
    [
      'source of funds on the balance sheet',
      'U.PN.PNLI.0AAA.ELKZ.0000',
      'source-of-funds',
      'category-not-allowed',
      'source of funds 0AAA is balance sheet (category 0), which cannot be charged here',
    ],
    [
      'transaction code unknown',
      'U.PN.PNLI.AAAA.ELKQ.0000',
      'transaction-code',
      'unknown',
      'transaction code ELKQ does not exist',
    ],
    [
      'transaction code ended',
      'U.PN.PNLI.AAAA.EOLD.0000',
      'transaction-code',
      'ended',
      'transaction code EOLD could be charged only until 2019-07-31 (the charge date is 2026-06-01)',
    ],
    [
      'transaction code for pay',
      'U.PN.PNLI.AAAA.AAAA.0000',
      'transaction-code',
      'category-not-allowed',
      'transaction code AAAA is pay (category A); only non-pay spending (E, F) can be charged here',
    ],
  ])('GL with %s: %s', async (_name, code, part, problem, message) => {
    const response = await check({ code }).expect(200);
    expect(response.body.valid).toBe(false);
    expect(response.body.problems).toEqual([{ part, code: problem, message }]);
  });

  it('says an unknown department and its unknown cost centre together', async () => {
    const response = await check({ code: 'U.QQ.QQAA.AAAA.ELKZ.0000' }).expect(200);
    expect(response.body.problems.map((p: { message: string }) => p.message)).toEqual([
      'department QQ does not exist',
      'cost centre QQAA does not exist in department QQ',
    ]);
  });

  it('reports every wrong part of a GL code in one answer', async () => {
    const response = await check({ code: 'U.PN.PNAB.AZZZ.EOLD.0001' }).expect(200);
    expect(response.body.problems.map((p: { part: string; code: string }) => `${p.part}: ${p.code}`)).toEqual(
      ['cost-centre: disabled', 'source-of-funds: disabled', 'transaction-code: ended', 'spare: malformed'],
    );
  });

  it.each([
    ['a valid grant', 'zzag001 / rg12345 / 1 / Other Costs', []],
    ['an award out of date', 'ZZAG001/G67890/1/other costs', ['award: ended']],
    ['a task not chargeable', 'ZZAG001/RG12345/2/other costs', ['task: not-chargeable']],
    ['a closed award', 'ZZAG001/RG99999/1/other costs', ['award: inactive']],
    ['an unknown project', 'ZZAG009/RG12345/1/other costs', ['project: unknown']],
    [
      'a closed project',
      'ZZAG002/RG11111/1/other costs',
      ['project: inactive', 'project: ended', 'award: inactive', 'award: ended', 'task: inactive'],
    ],
  ])('grant: %s', async (_name, code, problems) => {
    const response = await check({ code }).expect(200);
    expect(response.body.kind).toBe('grant');
    expect(response.body.valid).toBe(problems.length === 0);
    expect(response.body.problems.map((p: { part: string; code: string }) => `${p.part}: ${p.code}`)).toEqual(
      problems,
    );
    expect(t.cufsReads()).toBe(1);
  });

  it.each([
    ['an approved order with enough left', 'PN100001', 100_000, []],
    ['an order not approved', 'PN100002', 100, ['not-approved']],
    ['a closed order', 'PN100003', undefined, ['closed']],
    ['an order too small', 'PN100004', 50_000, ['insufficient-funds']],
    ['a cancelled order', 'PN100005', undefined, ['cancelled']],
    ['an order to another supplier', 'CH200001', undefined, ['wrong-supplier']],
    ['an unknown order', 'PN999999', undefined, ['unknown']],
  ])('purchase order: %s', async (_name, number, amount, problems) => {
    const body = amount === undefined ? { code: number } : { code: number, amount };
    const checked = await check(body).expect(200);
    expect(checked.body.kind).toBe('purchase-order');
    expect(checked.body.problems.map((p: { code: string }) => p.code)).toEqual(problems);
    const query = amount === undefined ? '' : `?amount=${amount}`;
    const got = await t
      .server()
      .get(`/purchase-orders/${number.toLowerCase()}${query}`)
      .set(caller)
      .expect(200);
    expect(got.body).toEqual(checked.body);
  });

  it('says what is left on a purchase order too small, in pounds', async () => {
    const response = await t.server().get('/purchase-orders/PN100004?amount=50000').set(caller).expect(200);
    expect(response.body.problems[0].message).toBe(
      'purchase order PN100004 has £10.00 left, less than the £500.00 asked for',
    );
  });

  describe('bad input: 400 naming the field, and no CUFS call', () => {
    it.each([
      [
        'a code too long',
        { code: `U.PN.PNLI.AAAA.ELKZ.0000${' '.repeat(200)}` },
        'code',
        'must be at most 120 characters',
      ],
      [
        'a control character',
        { code: 'U.PN.PNLI\u0000.AAAA.ELKZ.0000' },
        'code',
        'must not contain control, format or line separator characters (found U+0000)',
      ],
      [
        'a right-to-left override',
        { code: 'PN\u202E100001' },
        'code',
        'must not contain control, format or line separator characters (found U+202E)',
      ],
      ['an empty code', { code: '  ' }, 'code', 'must not be empty'],
      ['no code', {}, 'code', 'must be text'],
      [
        'a code of no known kind',
        { code: 'PN#100001' },
        'code',
        expect.stringMatching(/^is not a finance code: expected a general ledger code/),
      ],
      [
        'an unknown kind',
        { code: 'PN100001', kind: 'iban' },
        'kind',
        'must be one of gl, grant, purchase-order',
      ],
      ['a negative amount', { code: 'PN100001', amount: -1 }, 'amount', 'must not be negative'],
      ['a fractional amount', { code: 'PN100001', amount: 1.5 }, 'amount', 'must be a whole number of pence'],
      ['an amount as text', { code: 'PN100001', amount: '100' }, 'amount', 'must be a whole number of pence'],
      [
        'a date that does not exist',
        { code: 'PN100001', date: '2026-02-30' },
        'date',
        'must be a date YYYY-MM-DD',
      ],
      [
        'an unknown field',
        { code: 'PN100001', currency: 'GBP' },
        '(body)',
        expect.stringContaining('currency'),
      ],
    ])('%s', async (_name, body, field, message) => {
      const response = await t.server().post('/finance-codes/check').set(caller).send(body).expect(400);
      expect(response.body.problems).toContainEqual({ field, message });
      expect(t.cufsReads()).toBe(0);
    });

    it('refuses a body that is not JSON', async () => {
      await t
        .server()
        .post('/finance-codes/check')
        .set(caller)
        .set('Content-Type', 'application/json')
        .send('{"code":')
        .expect(400);
    });

    it.each([
      ['/purchase-orders/PN%00100001', 'number'],
      ['/purchase-orders/U.PN.PNLI', 'number'],
      [`/purchase-orders/PN${'1'.repeat(130)}`, 'number'],
      ['/purchase-orders/PN100001?amount=-5', 'amount'],
      ['/purchase-orders/PN100001?amount=1e3', 'amount'],
      ['/purchase-orders/PN100001?amount=5&extra=1', '(query)'],
    ])('GET %s', async (path, field) => {
      const response = await t.server().get(path).set(caller).expect(400);
      expect(response.body.problems.map((p: { field: string }) => p.field)).toContain(field);
      expect(t.cufsReads()).toBe(0);
    });
  });

  describe('callers', () => {
    it.each([
      ['POST /finance-codes/check', () => t.server().post('/finance-codes/check').send({ code: 'PN100001' })],
      ['GET /purchase-orders/:number', () => t.server().get('/purchase-orders/PN100001')],
    ])('%s: 401 without a token or with a wrong one, 403 for an operator', async (_name, call) => {
      const unauthenticated = await call().expect(401);
      expect(unauthenticated.headers['www-authenticate']).toBe('Bearer');
      await call().set({ Authorization: 'Bearer not-a-token-we-know-0123456789' }).expect(401);
      const forbidden = await call().set(operator).expect(403);
      expect(forbidden.body.message).toMatch(/not allowed to call job endpoints/);
      expect(t.cufsReads()).toBe(0);
    });
  });

  it('reports CUFS on /readyz (public) and documents the endpoints', async () => {
    const ready = await t.server().get('/readyz').expect(200);
    expect(ready.body).toEqual({ status: 'ok', database: 'ok', cufs: 'ok' });
    const document = await t.server().get('/api/openapi.json').expect(200);
    expect(Object.keys(document.body.paths)).toEqual(
      expect.arrayContaining(['/finance-codes/check', '/purchase-orders/{number}', '/healthz', '/readyz']),
    );
    expect(Object.keys(document.body.paths['/finance-codes/check'].post.responses)).toEqual(
      expect.arrayContaining(['200', '400', '401', '403', '503']),
    );
  });
});
