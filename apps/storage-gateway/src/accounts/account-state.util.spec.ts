import { describe, expect, it } from '@jest/globals';
import { parseCalendarDate as d } from '../domain/calendar.util.js';
import {
  accessFor,
  ACCOUNT_STATES,
  type AccountState,
  canMoveAccount,
  dueReminder,
  scheduledState,
} from './account-state.util.js';

describe('account states', () => {
  it.each<[AccountState, string]>([
    ['pending', 'none'],
    ['active', 'read-write'],
    ['expired', 'read-only'],
    ['suspended', 'none'],
    ['closed', 'none'],
  ])('%s storage gives %s access', (state, access) => {
    expect(accessFor(state)).toBe(access);
  });

  const allowed = new Set([
    'pending>active',
    'pending>closed',
    'active>expired',
    'active>suspended',
    'active>closed',
    'expired>active',
    'expired>suspended',
    'expired>closed',
    'suspended>active',
    'suspended>closed',
  ]);
  it.each(ACCOUNT_STATES.flatMap((from) => ACCOUNT_STATES.map((to) => [from, to] as const)))(
    '%s → %s',
    (from, to) => {
      expect(canMoveAccount(from, to)).toBe(allowed.has(`${from}>${to}`));
    },
  );
});

describe('scheduledState: what the calendar makes of an account (grace 30 days)', () => {
  const expiry = d('2026-11-01');
  it.each<[AccountState, string, AccountState]>([
    ['active', '2026-10-31', 'active'],
    ['active', '2026-11-01', 'expired'],
    ['active', '2026-11-30', 'expired'],
    ['active', '2026-12-01', 'suspended'],
    ['expired', '2026-11-15', 'expired'],
    ['expired', '2026-12-01', 'suspended'],
    ['suspended', '2026-12-20', 'suspended'],
    // a renewal moved the expiry on: the calendar leaves reactivation to the renewal itself
    ['expired', '2026-10-01', 'expired'],
    ['pending', '2026-12-20', 'pending'],
    ['closed', '2026-12-20', 'closed'],
  ])('%s on %s is %s', (state, today, expected) => {
    expect(scheduledState(state, expiry, d(today), 30)).toBe(expected);
  });
});

describe('dueReminder (60, 30 and 7 days before expiry)', () => {
  const expiry = d('2026-12-31');
  const days = [60, 30, 7];
  it.each<[string, number[], number | null]>([
    ['2026-10-31', [], null],
    ['2026-11-01', [], 60],
    ['2026-11-02', [60], null],
    ['2026-12-01', [60], 30],
    ['2026-12-01', [60, 30], null],
    ['2026-12-24', [60, 30], 7],
    // the job missed the 60-day reminder: only the latest due one goes, and the 60 never follows
    ['2026-12-05', [], 30],
    ['2026-12-20', [30], null],
    ['2026-12-25', [30], 7],
    ['2026-12-31', [], null],
    ['2027-01-05', [], null],
  ])('on %s with %j sent: %s', (today, sent, due) => {
    expect(dueReminder(expiry, d(today), days, sent)).toBe(due);
  });
});
