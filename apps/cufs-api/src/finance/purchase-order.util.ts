import type { CufsPurchaseOrder } from '../cufs/cufs.types.js';
import type { CheckPart, CheckProblem, SyntaxResult } from './finance.types.js';

const PURCHASE_ORDER = /^[A-Z]{2}[A-Z0-9]{1,18}$/;

/** A purchase order number, upper case, without spaces or `-` (`pn-100001` is `PN100001`). */
export function normalisePurchaseOrder(number: string): string {
  return number.replace(/[\s-]+/g, '').toUpperCase();
}

/** The local check of a purchase order number: the department's two letters, then letters or digits. */
export function checkPurchaseOrderSyntax(number: string): SyntaxResult<'purchase-order'> {
  const value = normalisePurchaseOrder(number);
  const wellFormed = PURCHASE_ORDER.test(value);
  return {
    kind: 'purchase-order',
    normalised: value,
    parts: [{ name: 'purchase-order', value, wellFormed }],
    problems: wellFormed
      ? []
      : [
          {
            part: 'purchase-order',
            code: 'malformed',
            message: `a purchase order number starts with the ordering department's two letters, such as PN100001, not ${value}`,
          },
        ],
  };
}

/** Pence as money: `£1,234.56` (the currency's own sign where it has one). */
export function formatMoney(pence: number, currency: string): string {
  try {
    return new Intl.NumberFormat('en-GB', { style: 'currency', currency }).format(pence / 100);
  } catch {
    return `${(pence / 100).toFixed(2)} ${currency}`;
  }
}

/**
 * The CUFS half of a purchase order check, pure: the order exists, is approved (not waiting for
 * approval, closed or cancelled), is made out to `supplier`, and what is left of it covers `amount`.
 */
export function purchaseOrderFindings(
  syntax: SyntaxResult<'purchase-order'>,
  order: CufsPurchaseOrder | null | undefined,
  supplier: string,
  amount: number | undefined,
): { parts: CheckPart[]; problems: CheckProblem[] } {
  const problems: CheckProblem[] = [...syntax.problems];
  const part = syntax.parts[0];
  const named = `purchase order ${syntax.normalised}`;
  if (order === null) {
    problems.push({ part: 'purchase-order', code: 'unknown', message: `${named} does not exist` });
  } else if (order !== undefined) {
    switch (order.status) {
      case 'APPROVED':
        break;
      case 'OPEN':
        problems.push({
          part: 'purchase-order',
          code: 'not-approved',
          message: `${named} is not approved yet`,
        });
        break;
      case 'CLOSED':
        problems.push({ part: 'purchase-order', code: 'closed', message: `${named} is closed` });
        break;
      case 'CANCELLED':
        problems.push({ part: 'purchase-order', code: 'cancelled', message: `${named} was cancelled` });
        break;
    }
    if (!sameSupplier(order.supplier, supplier)) {
      problems.push({
        part: 'purchase-order',
        code: 'wrong-supplier',
        message: `${named} is made out to ${order.supplier}, not to ${supplier}`,
      });
    }
    if (amount !== undefined && order.remaining < amount) {
      problems.push({
        part: 'purchase-order',
        code: 'insufficient-funds',
        message: `${named} has ${formatMoney(order.remaining, order.currency)} left, less than the ${formatMoney(amount, order.currency)} asked for`,
      });
    }
  }
  const description =
    order === null || order === undefined
      ? null
      : `${order.supplier}: ${formatMoney(order.remaining, order.currency)} left of ${formatMoney(order.amount, order.currency)}`;
  const parts: CheckPart[] =
    part === undefined
      ? []
      : [
          {
            name: 'purchase-order',
            value: part.value,
            description,
            ok: order !== null && order !== undefined && problems.length === 0,
          },
        ];
  return { parts, problems };
}

function sameSupplier(a: string, b: string): boolean {
  const normal = (text: string) => text.trim().replace(/\s+/g, ' ').toLowerCase();
  return normal(a) === normal(b);
}
