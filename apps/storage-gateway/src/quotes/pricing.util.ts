import type { ProductTerms } from '../products/product.types.js';
import { addYears, type CalendarDate, compareDates, daysBetween, addDays } from '../domain/calendar.util.js';

/** The account a quote for an increase or a renewal is made for. */
export type { ProductTerms };

export interface AccountTerms {
  productCode: string;
  sizeTb: number;
  state: 'pending' | 'active' | 'expired' | 'suspended' | 'closed';
  expiresOn: CalendarDate;
}

export type QuoteRequest =
  | { kind: 'new'; sizeTb: number; years: number }
  | { kind: 'increase'; account: AccountTerms; addTb: number }
  | { kind: 'renewal'; account: AccountTerms; sizeTb: number; years: number };

export interface PricedQuote {
  kind: QuoteRequest['kind'];
  productCode: string;
  /** The account's size once the order completes. */
  sizeTb: number;
  /** TB bought: the whole size for new storage and renewals, the addition for an increase. */
  chargedTb: number;
  years: number | null;
  unitPricePence: number;
  amountPence: number;
  periodStart: CalendarDate;
  periodEnd: CalendarDate;
  /** The arithmetic in words, as the quote page and the order show it. */
  explanation: string;
}

export interface QuoteProblem {
  field: string;
  message: string;
}

export type PricingResult = { ok: true; quote: PricedQuote } | { ok: false; problems: QuoteProblem[] };

/** How long before expiry a renewal may be quoted (the first reminder goes out then). */
export const DEFAULT_RENEWAL_WINDOW_DAYS = 60;

/**
 * Prices a quote. Every problem is reported at once, each naming its field. Amounts are whole pence,
 * rounded half up once, on the total:
 * - new storage: size × price × years, from today;
 * - an increase: the added TB × price × the share of the current year of the licence still to run
 *   (days left ÷ days in that year, so a leap year is priced by its own length), to the same expiry;
 * - a renewal: size × price × years, from the current expiry, so a renewal after expiry is backdated
 *   to it and the time the storage spent read-only is paid for, as the terms of use say.
 */
export function priceQuote(
  product: ProductTerms,
  request: QuoteRequest,
  today: CalendarDate,
  renewalWindowDays = DEFAULT_RENEWAL_WINDOW_DAYS,
): PricingResult {
  const problems: QuoteProblem[] = [];
  // A withdrawn product is no longer sold to new buyers; accounts that hold it may still be renewed
  // and increased, so that nobody's storage is stranded.
  if (!product.active && request.kind === 'new') {
    problems.push({ field: 'product', message: `${product.name} is no longer sold` });
  }

  if (request.kind === 'new') {
    checkSize(product, request.sizeTb, 'sizeTb', problems);
    checkTerm(product, request.years, problems);
    if (problems.length > 0) return { ok: false, problems };
    const amount = roundedPence(
      BigInt(request.sizeTb) * BigInt(product.pricePerTbYear) * BigInt(request.years),
      1n,
    );
    const end = addYears(today, request.years);
    return {
      ok: true,
      quote: {
        kind: 'new',
        productCode: product.code,
        sizeTb: request.sizeTb,
        chargedTb: request.sizeTb,
        years: request.years,
        unitPricePence: product.pricePerTbYear,
        amountPence: amount,
        periodStart: today,
        periodEnd: end,
        explanation: `${request.sizeTb} TB × ${pounds(product.pricePerTbYear)} per TB per year × ${plural(request.years, 'year')}, from ${today} to ${end}`,
      },
    };
  }

  const account = request.account;
  if (account.productCode !== product.code) {
    problems.push({
      field: 'product',
      message: `the account holds ${account.productCode}, not ${product.code}`,
    });
  }

  if (request.kind === 'increase') {
    if (account.state !== 'active') {
      problems.push({
        field: 'account',
        message:
          account.state === 'expired' || account.state === 'suspended'
            ? `the storage has expired: renew it first, then increase it`
            : `only active storage can be increased (this account is ${account.state})`,
      });
    }
    checkStep(product, request.addTb, 'addTb', problems);
    if (request.addTb <= 0)
      problems.push({ field: 'addTb', message: 'the increase must be at least one step' });
    const newSize = account.sizeTb + request.addTb;
    if (newSize > product.maxTb) {
      problems.push({
        field: 'addTb',
        message: `${newSize} TB would be more than the most ${product.name} allows (${product.maxTb} TB)`,
      });
    }
    const daysLeft = daysBetween(today, account.expiresOn);
    if (daysLeft <= 0 && account.state === 'active') {
      problems.push({
        field: 'account',
        message: `the storage expires today: renew it first, then increase it`,
      });
    }
    if (problems.length > 0) return { ok: false, problems };
    // Whole licence years still to run after the current one, and the share of the current licence
    // year (the one today falls in) by its own length.
    let currentYearEnd = account.expiresOn;
    let wholeYears = 0;
    while (compareDates(addYears(currentYearEnd, -1), today) > 0) {
      currentYearEnd = addYears(currentYearEnd, -1);
      wholeYears += 1;
    }
    const yearDays = daysBetween(addYears(currentYearEnd, -1), currentYearEnd);
    const daysInCurrentYear = daysBetween(today, currentYearEnd);
    const amount = roundedPence(
      BigInt(request.addTb) *
        BigInt(product.pricePerTbYear) *
        BigInt(wholeYears * yearDays + daysInCurrentYear),
      BigInt(yearDays),
    );
    const share =
      wholeYears > 0
        ? `(${wholeYears} whole year${wholeYears === 1 ? '' : 's'} + ${daysInCurrentYear}/${yearDays} of a year)`
        : `${daysInCurrentYear}/${yearDays} of a year`;
    return {
      ok: true,
      quote: {
        kind: 'increase',
        productCode: product.code,
        sizeTb: newSize,
        chargedTb: request.addTb,
        years: null,
        unitPricePence: product.pricePerTbYear,
        amountPence: amount,
        periodStart: today,
        periodEnd: account.expiresOn,
        explanation: `${request.addTb} TB × ${pounds(product.pricePerTbYear)} per TB per year × ${share} (from ${today} to the expiry on ${account.expiresOn})`,
      },
    };
  }

  if (account.state === 'closed' || account.state === 'pending') {
    problems.push({ field: 'account', message: `a ${account.state} account cannot be renewed` });
  }
  const opensOn = addDays(account.expiresOn, -renewalWindowDays);
  if (compareDates(today, opensOn) < 0) {
    problems.push({
      field: 'account',
      message: `renewal opens on ${opensOn}, ${renewalWindowDays} days before the expiry on ${account.expiresOn}`,
    });
  }
  checkSize(product, request.sizeTb, 'sizeTb', problems);
  checkTerm(product, request.years, problems);
  // Backdated to the expiry, the new term must still reach past today: paying for a term that has
  // already ended would leave the storage expired.
  if (compareDates(addYears(account.expiresOn, request.years), today) <= 0) {
    problems.push({
      field: 'years',
      message: `a renewal from the expiry on ${account.expiresOn} for ${plural(request.years, 'year')} would end by today: renew for longer`,
    });
  }
  if (problems.length > 0) return { ok: false, problems };
  const start = account.expiresOn;
  const end = addYears(start, request.years);
  const amount = roundedPence(
    BigInt(request.sizeTb) * BigInt(product.pricePerTbYear) * BigInt(request.years),
    1n,
  );
  const backdated = compareDates(start, today) < 0;
  return {
    ok: true,
    quote: {
      kind: 'renewal',
      productCode: product.code,
      sizeTb: request.sizeTb,
      chargedTb: request.sizeTb,
      years: request.years,
      unitPricePence: product.pricePerTbYear,
      amountPence: amount,
      periodStart: start,
      periodEnd: end,
      explanation:
        `${request.sizeTb} TB × ${pounds(product.pricePerTbYear)} per TB per year × ${plural(request.years, 'year')}, from ${start} to ${end}` +
        (backdated
          ? `: backdated to the expiry on ${start}, ${plural(daysBetween(start, today), 'day')} ago, because the storage was kept (read-only) since`
          : `: the new term starts when the current one ends`),
    },
  };
}

function checkSize(product: ProductTerms, sizeTb: number, field: string, problems: QuoteProblem[]): void {
  if (!Number.isInteger(sizeTb)) {
    problems.push({ field, message: 'the size must be a whole number of TB' });
    return;
  }
  if (sizeTb < product.minTb)
    problems.push({ field, message: `${product.name} starts at ${product.minTb} TB` });
  if (sizeTb > product.maxTb)
    problems.push({ field, message: `${product.name} goes up to ${product.maxTb} TB` });
  checkStep(product, sizeTb, field, problems);
}

function checkStep(product: ProductTerms, tb: number, field: string, problems: QuoteProblem[]): void {
  if (!Number.isInteger(tb)) {
    if (!problems.some((p) => p.field === field))
      problems.push({ field, message: 'the size must be a whole number of TB' });
    return;
  }
  if (product.stepTb > 1 && tb % product.stepTb !== 0) {
    problems.push({ field, message: `${product.name} is sold in steps of ${product.stepTb} TB` });
  }
}

function checkTerm(product: ProductTerms, years: number, problems: QuoteProblem[]): void {
  if (!product.termsYears.includes(years)) {
    problems.push({
      field: 'years',
      message: `${product.name} is sold for ${product.termsYears.map((y) => plural(y, 'year')).join(' or ')}`,
    });
  }
}

/** numerator ÷ denominator in whole pence, half up. */
function roundedPence(numerator: bigint, denominator: bigint): number {
  return Number((2n * numerator + denominator) / (2n * denominator));
}

export function pounds(pence: number): string {
  return `£${(pence / 100).toFixed(2).replace(/\B(?=(\d{3})+(?!\d))/g, ',')}`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
