import { describe, expect, it } from '@jest/globals';
import { accountState, date, dateTime, money, orderSteps, role } from './format.util.js';

describe('what the pages write', () => {
  it.each([
    [{ state: 'active', daysToExpiry: 200 }, 'Active'],
    [{ state: 'active', daysToExpiry: 60 }, 'Expiring in 60 days'],
    [{ state: 'active', daysToExpiry: 1 }, 'Expiring in 1 day'],
    [{ state: 'expired', daysToExpiry: -3 }, 'Read-only (expired)'],
    [{ state: 'suspended', daysToExpiry: -40 }, 'Suspended (no access)'],
    [{ state: 'pending', daysToExpiry: null }, 'Being set up'],
    [{ state: 'closed', daysToExpiry: null }, 'Closed'],
  ] as const)('account %j is "%s"', (account, shown) => {
    expect(accountState(account)).toBe(shown);
  });

  it('writes money, calendar dates and roles as people read them', () => {
    expect(money(54_000)).toBe('£540.00');
    expect(money(123_456_789)).toBe('£1,234,567.89');
    expect(date('2028-11-26')).toBe('26 November 2028');
    expect(date('2026-11-26T09:00:00.000Z')).toBe('26 November 2026');
    expect(date(null)).toBe('—');
    expect(dateTime('2026-07-01T16:05:00Z')).toBe('1 July 2026 at 17:05');
    expect(role('data-manager')).toBe('Data Manager');
    expect(role(null)).toBe('Administrator');
  });

  it.each([
    ['checking_payment', ['current', 'todo', 'todo']],
    ['awaiting_approval', ['done', 'current', 'todo']],
    ['provisioning', ['done', 'done', 'current']],
    ['completed', ['done', 'done', 'done']],
    ['payment_rejected', ['failed', 'todo', 'todo']],
    ['rejected', ['done', 'failed', 'todo']],
  ] as const)('an order %s shows its steps as %j', (state, statuses) => {
    expect(orderSteps(state).map((s) => s.status)).toEqual(statuses);
  });
});
