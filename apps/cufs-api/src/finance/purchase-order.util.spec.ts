import { describe, expect, it } from '@jest/globals';
import type { CufsPurchaseOrder } from '../cufs/cufs.types.js';
import { checkPurchaseOrderSyntax, formatMoney, purchaseOrderFindings } from './purchase-order.util.js';

const SUPPLIER = 'University Information Services';
const ORDER: CufsPurchaseOrder = {
  number: 'PN100001',
  status: 'APPROVED',
  supplier: SUPPLIER,
  department: 'PN',
  currency: 'GBP',
  amount: 500_000,
  remaining: 120_000,
};

describe('purchase order syntax', () => {
  it.each([
    ['PN100001', 'PN100001'],
    [' pn100001 ', 'PN100001'],
    ['pn-100 001', 'PN100001'],
  ])('%j reads as %s', (number, normalised) => {
    expect(checkPurchaseOrderSyntax(number)).toMatchObject({ normalised, problems: [] });
  });

  it.each(['100001', 'P1', 'PN'])('%s is not a purchase order number', (number) => {
    expect(checkPurchaseOrderSyntax(number).problems).toEqual([
      {
        part: 'purchase-order',
        code: 'malformed',
        message: `a purchase order number starts with the ordering department's two letters, such as PN100001, not ${number}`,
      },
    ]);
  });
});

describe('purchase order findings from CUFS', () => {
  const syntax = checkPurchaseOrderSyntax('PN100001');
  const check = (order: CufsPurchaseOrder | null, amount?: number) =>
    purchaseOrderFindings(syntax, order, SUPPLIER, amount);

  it('passes an approved order to the supplier with enough left', () => {
    const { parts, problems } = check(ORDER, 120_000);
    expect(problems).toEqual([]);
    expect(parts).toEqual([
      {
        name: 'purchase-order',
        value: 'PN100001',
        description: 'University Information Services: £1,200.00 left of £5,000.00',
        ok: true,
      },
    ]);
    expect(check({ ...ORDER, supplier: ' university  information services ' }).problems).toEqual([]);
  });

  it.each([
    ['unknown', null, undefined, 'purchase order PN100001 does not exist'],
    [
      'not-approved',
      { ...ORDER, status: 'OPEN' as const },
      undefined,
      'purchase order PN100001 is not approved yet',
    ],
    ['closed', { ...ORDER, status: 'CLOSED' as const }, undefined, 'purchase order PN100001 is closed'],
    [
      'cancelled',
      { ...ORDER, status: 'CANCELLED' as const },
      undefined,
      'purchase order PN100001 was cancelled',
    ],
    [
      'wrong-supplier',
      { ...ORDER, supplier: 'Laboratory Supplies Ltd' },
      undefined,
      'purchase order PN100001 is made out to Laboratory Supplies Ltd, not to University Information Services',
    ],
    [
      'insufficient-funds',
      ORDER,
      120_001,
      'purchase order PN100001 has £1,200.00 left, less than the £1,200.01 asked for',
    ],
  ])('%s', (code, order, amount, message) => {
    const { parts, problems } = check(order, amount);
    expect(problems).toEqual([{ part: 'purchase-order', code, message }]);
    expect(parts[0]?.ok).toBe(false);
  });

  it('reports every problem of an order at once', () => {
    const { problems } = check({ ...ORDER, status: 'OPEN', supplier: 'Someone Else' }, 999_999);
    expect(problems.map((p) => p.code)).toEqual(['not-approved', 'wrong-supplier', 'insufficient-funds']);
  });

  it('formats money in other currencies too', () => {
    expect(formatMoney(123_456, 'USD')).toBe('US$1,234.56');
    expect(formatMoney(100, 'XX')).toBe('1.00 XX');
  });
});
