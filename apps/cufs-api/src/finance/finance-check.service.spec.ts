import { describe, expect, it } from '@jest/globals';
import { UpstreamError } from '@app/http';
import { fake } from '@app/testing';
import type { CufsReader, CufsValue, CufsValueSet } from '../cufs/cufs.types.js';
import { CufsUnavailableError } from './cufs-unavailable.error.js';
import { FinanceCheckService } from './finance-check.service.js';
import type { ChargeRules } from './finance.types.js';

const RULES: ChargeRules = {
  allowedTransactionCategories: ['E', 'F'],
  allowedFundsCategories: ['A', 'G', 'M'],
  purchaseOrderSupplier: 'University Information Services',
};
// 2026-06-01 00:30 in London is still 2026-05-31 23:30 UTC.
const NOW = Date.parse('2026-05-31T23:30:00Z');

const value = (set: CufsValueSet, code: string, extra: Partial<CufsValue> = {}): CufsValue => ({
  set,
  value: code,
  description: `${code} described`,
  enabled: true,
  startDate: null,
  endDate: null,
  parent: set === 'cost-centre' ? code.slice(0, 2) : null,
  ...extra,
});

function service(reader: Partial<CufsReader>) {
  return new FinanceCheckService(fake<CufsReader>(reader, 'cufs'), RULES, () => NOW);
}

describe('FinanceCheckService', () => {
  it('asks CUFS about the four GL parts at once and answers valid with their descriptions', async () => {
    const asked: string[] = [];
    const checks = service({
      getValue: (set, code) => {
        asked.push(`${set}/${code}`);
        return Promise.resolve(value(set, code));
      },
    });
    const answer = await checks.check({ code: 'u pn pnli aaaa elkz 0000' });
    expect(asked.sort()).toEqual([
      'cost-centre/PNLI',
      'department/PN',
      'source-of-funds/AAAA',
      'transaction-code/ELKZ',
    ]);
    expect(answer).toMatchObject({
      valid: true,
      kind: 'gl',
      normalised: 'U.PN.PNLI.AAAA.ELKZ.0000',
      description: 'PN described / PNLI described / AAAA described / ELKZ described',
      problems: [],
    });
  });

  it('asks CUFS only about well-formed parts, and reports syntax and CUFS problems together', async () => {
    const asked: string[] = [];
    const checks = service({
      getValue: (set, code) => {
        asked.push(`${set}/${code}`);
        return Promise.resolve(set === 'department' ? null : value(set, code));
      },
    });
    const answer = await checks.check({ code: 'U.PN.PNL.AAAA.ELKZ.0000' });
    expect(asked.sort()).toEqual(['department/PN', 'source-of-funds/AAAA', 'transaction-code/ELKZ']);
    expect(answer.valid).toBe(false);
    expect(answer.description).toBeNull();
    expect(answer.problems.map((p) => `${p.part}: ${p.code}`)).toEqual([
      'department: unknown',
      'cost-centre: malformed',
    ]);
  });

  it('makes no CUFS call for a code of the wrong shape', async () => {
    const answer = await service({}).check({ code: 'U.PN.PNLI' });
    expect(answer).toMatchObject({ valid: false, kind: 'gl', parts: [] });
  });

  it("checks dates against today in London when no date is given, else the caller's date", async () => {
    const checks = service({
      getValue: (set, code) =>
        Promise.resolve(
          set === 'department' ? value(set, code, { startDate: '2026-06-01' }) : value(set, code),
        ),
    });
    expect((await checks.check({ code: 'U.PN.PNLI.AAAA.ELKZ.0000' })).valid).toBe(true);
    const before = await checks.check({ code: 'U.PN.PNLI.AAAA.ELKZ.0000', date: '2026-05-31' });
    expect(before.problems.map((p) => p.code)).toEqual(['not-started']);
  });

  it('takes the kind the caller gives over the shape', async () => {
    const answer = await service({}).check({ code: 'PN100001', kind: 'gl' });
    expect(answer).toMatchObject({ kind: 'gl', valid: false });
  });

  it('reads the project once for a grant and the order once for a purchase order', async () => {
    let projects = 0;
    let orders = 0;
    const checks = service({
      getProject: () => {
        projects += 1;
        return Promise.resolve(null);
      },
      getPurchaseOrder: () => {
        orders += 1;
        return Promise.resolve(null);
      },
    });
    expect((await checks.check({ code: 'ZZAG001/RG12345/1/other costs' })).problems[0]?.code).toBe('unknown');
    expect((await checks.check({ code: 'PN100001', amount: 100 })).problems[0]?.code).toBe('unknown');
    expect((await checks.checkPurchaseOrder('pn100001', undefined)).normalised).toBe('PN100001');
    expect([projects, orders]).toEqual([1, 2]);
  });

  it('answers "unavailable", never invalid, when any CUFS read fails', async () => {
    const checks = service({
      getValue: (set, code) =>
        set === 'transaction-code'
          ? Promise.reject(new UpstreamError('CUFS', 'value-set read failed: HTTP 503', 503))
          : Promise.resolve(value(set, code)),
      getProject: () => Promise.reject(new UpstreamError('CUFS', 'project read failed: ECONNABORTED')),
      getPurchaseOrder: () =>
        Promise.reject(new UpstreamError('CUFS', 'purchase order read failed: HTTP 401', 401)),
    });
    for (const code of ['U.PN.PNLI.AAAA.ELKZ.0000', 'ZZAG001/RG12345/1/other costs', 'PN100001']) {
      const error = await checks.check({ code }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CufsUnavailableError);
      expect(error).toMatchObject({ retryAfterSeconds: 5 });
    }
  });

  it('lets a bug through as a bug, not as "unavailable"', async () => {
    const checks = service({ getProject: () => Promise.reject(new TypeError('oops')) });
    await expect(checks.check({ code: 'ZZAG001/RG12345/1/other costs' })).rejects.toBeInstanceOf(TypeError);
  });
});
