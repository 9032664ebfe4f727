import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { caller, type CufsApiHarness, DATE, startCufsApiHarness } from './cufs-api.harness.js';

const VALID = 'U.PN.PNLI.AAAA.ELKZ.0000';

describe('cufs-api cache: single flight, TTLs, never older than the TTL', () => {
  let t: CufsApiHarness;
  const check = (code: string) =>
    t.server().post('/finance-codes/check').set(caller).send({ code, date: DATE });

  beforeAll(async () => {
    t = await startCufsApiHarness({ CUFS_CACHE_TTL: '300', CUFS_NEGATIVE_CACHE_TTL: '30' });
  });
  afterAll(() => t.close());
  beforeEach(() => t.reset());

  it('makes 4 CUFS reads for 20 identical checks at once (shared in flight, then cached)', async () => {
    t.cufs.control.latencyMs = 50; // keeps the first reads in flight while the others arrive
    const answers = await Promise.all(Array.from({ length: 20 }, () => check(VALID)));
    expect(answers.map((answer) => answer.status)).toEqual(Array(20).fill(200));
    expect(answers.every((answer) => answer.body.valid === true)).toBe(true);
    expect(t.cufsReads()).toBe(4);
  });

  it('shares the parts two different codes have in common', async () => {
    await check(VALID).expect(200);
    await check('U.PN.PNLI.AAAA.EAAA.0000').expect(200);
    expect(t.cufsReads()).toBe(5);
  });

  it('answers from the cache within the TTL and sees a CUFS change once the TTL has passed', async () => {
    await check(VALID).expect(200);
    t.cufs.setValue({
      set: 'department',
      value: 'PN',
      description: 'Department of Physics',
      enabled: false,
      startDate: '2000-01-01',
      endDate: null,
      parent: null,
    });
    t.clock.now += 300_000 - 1;
    expect((await check(VALID).expect(200)).body.valid).toBe(true);
    expect(t.cufsReads()).toBe(4);
    t.clock.now += 1;
    const after = await check(VALID).expect(200);
    expect(after.body.problems.map((p: { code: string }) => p.code)).toEqual(['disabled']);
    expect(t.cufsReads()).toBe(8);
  });

  it('keeps "does not exist" for the shorter negative TTL only', async () => {
    const code = 'U.PN.PNLI.AAAA.ENEW.0000';
    expect((await check(code).expect(200)).body.problems[0].code).toBe('unknown');
    t.cufs.setValue({
      set: 'transaction-code',
      value: 'ENEW',
      description: 'New storage charges',
      enabled: true,
      startDate: '2000-01-01',
      endDate: null,
      parent: null,
    });
    t.clock.now += 30_000 - 1;
    expect((await check(code).expect(200)).body.valid).toBe(false);
    t.clock.now += 1;
    expect((await check(code).expect(200)).body.valid).toBe(true);
    // Only the transaction code was read again: the other parts are within their positive TTL.
    expect(t.cufsReads()).toBe(5);
  });

  it('caches purchase orders and grants the same way', async () => {
    await t.server().get('/purchase-orders/PN100001').set(caller).expect(200);
    await t
      .server()
      .post('/finance-codes/check')
      .set(caller)
      .send({ code: 'PN100001', amount: 5 })
      .expect(200);
    await check('ZZAG001/RG12345/1/other costs').expect(200);
    await check('ZZAG001/RG12345/2/other costs').expect(200);
    expect(t.cufsReads()).toBe(2);
  });
});
