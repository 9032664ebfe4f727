import { describe, expect, it } from '@jest/globals';
import { parseCalendarDate as d, type CalendarDate } from '../domain/calendar.util.js';
import { type AccountTerms, pounds, priceQuote, type ProductTerms } from './pricing.util.js';

const RFS: ProductTerms = {
  code: 'RFS',
  name: 'Research File Share',
  pricePerTbYear: 13_900,
  minTb: 1,
  maxTb: 100,
  stepTb: 1,
  termsYears: [1, 2, 3],
  active: true,
};
const RDS: ProductTerms = {
  ...RFS,
  code: 'RDS',
  name: 'Research Data Store',
  pricePerTbYear: 5_400,
  minTb: 10,
  maxTb: 500,
  stepTb: 10,
  termsYears: [1],
};

function account(over: Partial<AccountTerms> = {}): AccountTerms {
  return { productCode: 'RFS', sizeTb: 5, state: 'active', expiresOn: d('2027-03-01'), ...over };
}

const today = d('2026-11-26');

describe('priceQuote: new storage', () => {
  it.each([
    [RFS, 1, 1, 13_900, '2027-11-26'],
    [RFS, 5, 3, 208_500, '2029-11-26'],
    [RDS, 20, 1, 108_000, '2027-11-26'],
  ])('%s.code: %i TB for %i years costs %i pence, to %s', (product, sizeTb, years, amount, end) => {
    const result = priceQuote(product, { kind: 'new', sizeTb, years }, today);
    expect(result).toMatchObject({
      ok: true,
      quote: { amountPence: amount, periodStart: today, periodEnd: end, sizeTb, chargedTb: sizeTb },
    });
  });

  it.each([
    [RFS, 0, 1, [['sizeTb', 'Research File Share starts at 1 TB']]],
    [RFS, 101, 1, [['sizeTb', 'Research File Share goes up to 100 TB']]],
    [RFS, 1.5, 1, [['sizeTb', 'the size must be a whole number of TB']]],
    [RFS, 2, 4, [['years', 'Research File Share is sold for 1 year or 2 years or 3 years']]],
    [RDS, 15, 1, [['sizeTb', 'Research Data Store is sold in steps of 10 TB']]],
    [
      RDS,
      5,
      2,
      [
        ['sizeTb', 'Research Data Store starts at 10 TB'],
        ['sizeTb', 'Research Data Store is sold in steps of 10 TB'],
        ['years', 'Research Data Store is sold for 1 year'],
      ],
    ],
  ])('%s.code: %s TB for %i years is refused with every problem', (product, sizeTb, years, problems) => {
    const result = priceQuote(product, { kind: 'new', sizeTb, years }, today);
    expect(result).toEqual({ ok: false, problems: problems.map(([field, message]) => ({ field, message })) });
  });

  it('renews and increases accounts on a product no longer sold, but sells it to nobody new', () => {
    const withdrawn = { ...RFS, active: false };
    expect(priceQuote(withdrawn, { kind: 'increase', account: account(), addTb: 1 }, today).ok).toBe(true);
    expect(
      priceQuote(
        withdrawn,
        { kind: 'renewal', account: account({ expiresOn: d('2026-12-31') }), sizeTb: 5, years: 1 },
        today,
      ).ok,
    ).toBe(true);
  });

  it('refuses a product that is no longer sold', () => {
    expect(priceQuote({ ...RFS, active: false }, { kind: 'new', sizeTb: 1, years: 1 }, today)).toEqual({
      ok: false,
      problems: [{ field: 'product', message: 'Research File Share is no longer sold' }],
    });
  });
});

describe('priceQuote: an increase is priced pro rata to the expiry', () => {
  it.each<[string, CalendarDate, number, number]>([
    // 95 days of the 365 from 2026-03-01 to 2027-03-01 remain: 2 × 13,900 × 95 / 365 = 7,235.6 → 7,236
    ['95 of 365 days', d('2027-03-01'), 2, 7_236],
    // a whole year left costs a whole year
    ['a whole year', d('2027-11-26'), 1, 13_900],
    // a whole licence year (2027-03-01 to 2028-03-01) plus 95 days of the current one (2026-03-01 to
    // 2027-03-01, 365 days): 13,900 × (365 + 95) / 365 = 17,517.8 → 17,518
    ['a whole year and part of the current one', d('2028-03-01'), 1, 17_518],
    // the current licence year 2026-03-01 to 2027-03-01 has 365 days; the one before 2028-03-01 has
    // 366, which does not matter: only the current year is split
    ['the current licence year decides the share', d('2027-03-01'), 1, 3_618],
    ['one day left', d('2026-11-27'), 1, 38],
  ])('%s', (_label, expiresOn, addTb, amount) => {
    const result = priceQuote(RFS, { kind: 'increase', account: account({ expiresOn }), addTb }, today);
    expect(result).toMatchObject({
      ok: true,
      quote: { amountPence: amount, chargedTb: addTb, sizeTb: 5 + addTb, periodEnd: expiresOn, years: null },
    });
  });

  it.each<[string, Partial<AccountTerms>, number, [string, string][]]>([
    [
      'expired storage',
      { state: 'expired', expiresOn: d('2026-11-01') },
      1,
      [['account', 'the storage has expired: renew it first, then increase it']],
    ],
    [
      'suspended storage',
      { state: 'suspended', expiresOn: d('2026-09-01') },
      1,
      [['account', 'the storage has expired: renew it first, then increase it']],
    ],
    [
      'pending storage',
      { state: 'pending' },
      1,
      [['account', 'only active storage can be increased (this account is pending)']],
    ],
    [
      'beyond the maximum',
      { sizeTb: 99 },
      2,
      [['addTb', '101 TB would be more than the most Research File Share allows (100 TB)']],
    ],
    ['nothing added', {}, 0, [['addTb', 'the increase must be at least one step']]],
    [
      'expiring today',
      { expiresOn: today },
      1,
      [['account', 'the storage expires today: renew it first, then increase it']],
    ],
    ['another product', { productCode: 'RDS' }, 1, [['product', 'the account holds RDS, not RFS']]],
  ])('refuses %s', (_label, over, addTb, problems) => {
    const result = priceQuote(RFS, { kind: 'increase', account: account(over), addTb }, today);
    expect(result).toEqual({ ok: false, problems: problems.map(([field, message]) => ({ field, message })) });
  });
});

describe('priceQuote: a renewal runs from the current expiry', () => {
  it('backdates to the expiry when the storage has expired, and says so', () => {
    const result = priceQuote(
      RFS,
      {
        kind: 'renewal',
        account: account({ state: 'expired', expiresOn: d('2026-10-27') }),
        sizeTb: 5,
        years: 1,
      },
      today,
    );
    expect(result).toMatchObject({
      ok: true,
      quote: { amountPence: 69_500, periodStart: '2026-10-27', periodEnd: '2027-10-27', sizeTb: 5 },
    });
    if (result.ok)
      expect(result.quote.explanation).toContain('backdated to the expiry on 2026-10-27, 30 days ago');
  });

  it('starts when the current term ends when renewed early, and may change the size', () => {
    const result = priceQuote(
      RFS,
      { kind: 'renewal', account: account({ expiresOn: d('2027-01-10') }), sizeTb: 8, years: 2 },
      today,
    );
    expect(result).toMatchObject({
      ok: true,
      quote: { amountPence: 222_400, periodStart: '2027-01-10', periodEnd: '2029-01-10', sizeTb: 8 },
    });
  });

  it.each<[string, Partial<AccountTerms>, [string, string][]]>([
    [
      'before the renewal window opens',
      { expiresOn: d('2027-03-01') },
      [['account', 'renewal opens on 2026-12-31, 60 days before the expiry on 2027-03-01']],
    ],
    [
      'a closed account',
      { state: 'closed', expiresOn: d('2026-12-01') },
      [['account', 'a closed account cannot be renewed']],
    ],
  ])('refuses %s', (_label, over, problems) => {
    const result = priceQuote(RFS, { kind: 'renewal', account: account(over), sizeTb: 5, years: 1 }, today);
    expect(result).toEqual({ ok: false, problems: problems.map(([field, message]) => ({ field, message })) });
  });
});

describe('priceQuote: a renewal must reach past today', () => {
  it('refuses a backdated term that would already have ended, and takes a longer one', () => {
    const long = account({ state: 'suspended', expiresOn: d('2025-02-01') });
    expect(priceQuote(RFS, { kind: 'renewal', account: long, sizeTb: 5, years: 1 }, today)).toEqual({
      ok: false,
      problems: [
        {
          field: 'years',
          message: 'a renewal from the expiry on 2025-02-01 for 1 year would end by today: renew for longer',
        },
      ],
    });
    expect(priceQuote(RFS, { kind: 'renewal', account: long, sizeTb: 5, years: 2 }, today)).toMatchObject({
      ok: true,
      quote: { periodStart: '2025-02-01', periodEnd: '2027-02-01' },
    });
  });
});

describe('pounds', () => {
  it.each([
    [0, '£0.00'],
    [5, '£0.05'],
    [13_900, '£139.00'],
    [123_456_789, '£1,234,567.89'],
  ])('%i pence is %s', (pence, text) => {
    expect(pounds(pence)).toBe(text);
  });
});
