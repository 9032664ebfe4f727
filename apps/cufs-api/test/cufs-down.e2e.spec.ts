import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { caller, type CufsApiHarness, DATE, startCufsApiHarness } from './cufs-api.harness.js';

const NOT_CHECKED = {
  statusCode: 503,
  error: 'Service Unavailable',
  message:
    'The finance system (CUFS) could not be reached, so the code was not checked: it is neither valid nor invalid. Try again in 5 seconds.',
  checked: false,
  retryAfterSeconds: 5,
};

describe('cufs-api when CUFS cannot answer: 503 with Retry-After, never valid: false', () => {
  let t: CufsApiHarness;
  const check = (code: string) =>
    t.server().post('/finance-codes/check').set(caller).send({ code, date: DATE });

  beforeAll(async () => {
    t = await startCufsApiHarness();
  });
  afterAll(() => t.close());
  beforeEach(() => t.reset());

  it.each([
    ['answers 503 to every read', () => t.cufs.control.addFault({ path: '/api/v1', status: 503 })],
    ['answers 500 to every read', () => t.cufs.control.addFault({ path: '/api/v1', status: 500 })],
    ['never answers', () => t.cufs.hang('/api/v1')],
    [
      'refuses our token',
      () => {
        t.cufs.revokeTokens();
        t.cufs.control.addFault({ path: '/oauth/token', status: 401 });
      },
    ],
  ])('CUFS %s', async (_name, fault) => {
    fault();
    for (const code of ['U.PN.PNLI.AAAA.ELKZ.0000', 'ZZAG001/RG12345/1/other costs', 'PN100001']) {
      const response = await check(code).expect(503);
      expect(response.headers['retry-after']).toBe('5');
      expect(response.body).toEqual(NOT_CHECKED);
    }
    const order = await t.server().get('/purchase-orders/PN100001').set(caller).expect(503);
    expect(order.headers['retry-after']).toBe('5');
  });

  it('answers 503 when one of the four GL reads fails, though the other three answered', async () => {
    t.cufs.control.addFault({ path: '/api/v1/value-sets/transaction-code', status: 503 });
    const response = await check('U.PN.PNLI.AAAA.ELKZ.0000').expect(503);
    expect(response.body).toEqual(NOT_CHECKED);
  });

  it('keeps nothing from a failed read: the next check asks CUFS again and answers', async () => {
    t.cufs.control.addFault({ path: '/api/v1/value-sets/department', status: 503, times: 2 });
    await check('U.PN.PNLI.AAAA.ELKZ.0000').expect(503);
    const response = await check('U.PN.PNLI.AAAA.ELKZ.0000').expect(200);
    expect(response.body.valid).toBe(true);
  });

  it('still answers a syntax error without CUFS: that needs no CUFS', async () => {
    t.cufs.hang('/api/v1');
    const response = await check('U.PN.PNLI').expect(200);
    expect(response.body).toMatchObject({ valid: false, problems: [{ part: 'code', code: 'wrong-shape' }] });
  });

  it('answers valid: false with the local problems when CUFS is down but the code is already wrong', async () => {
    t.cufs.control.addFault({ path: '/api/v1', status: 503 });
    const response = await check('U.PN.PNLI.AAAA.ELKZ.0001').expect(200);
    expect(response.body).toMatchObject({
      valid: false,
      normalised: 'U.PN.PNLI.AAAA.ELKZ.0001',
      problems: [{ part: 'spare', code: 'malformed' }],
    });
    expect(response.body.problems).toHaveLength(1);
    expect(response.body.description).toMatch(/CUFS could not be asked/);
    // The parts CUFS would have checked are not known to be right.
    const ok = Object.fromEntries(
      (response.body.parts as { name: string; ok: boolean }[]).map((part) => [part.name, part.ok]),
    );
    expect(ok).toEqual({
      entity: true,
      department: false,
      'cost-centre': false,
      'source-of-funds': false,
      'transaction-code': false,
      spare: false,
    });
  });

  it('answers valid: false for a grant whose task is malformed when CUFS answers 500', async () => {
    t.cufs.control.addFault({ path: '/api/v1', status: 500 });
    const response = await check('ZZAG001/RG12345/x!/other costs').expect(200);
    expect(response.body).toMatchObject({ valid: false, problems: [{ part: 'task', code: 'malformed' }] });
    expect(response.body.problems).toHaveLength(1);
    expect(response.body.description).toMatch(/CUFS could not be asked/);
    expect((response.body.parts as { ok: boolean }[]).every((part) => !part.ok)).toBe(true);
  });

  it('stays ready when CUFS is down, and says so on /readyz', async () => {
    t.cufs.control.addFault({ path: '/api/v1', status: 503 });
    const ready = await t.server().get('/readyz').expect(200);
    expect(ready.body).toEqual({ status: 'ok', database: 'ok', cufs: 'unreachable' });
  });
});
