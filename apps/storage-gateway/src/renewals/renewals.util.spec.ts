import { describe, expect, it } from '@jest/globals';
import { parseCalendarDate as d } from '../domain/calendar.util.js';
import { planRenewals, type RenewalCandidate, renewalEmail } from './renewals.util.js';

function account(over: Partial<RenewalCandidate>): RenewalCandidate {
  return {
    id: 'a1',
    reference: 'RFS-000001',
    name: 'Lab data',
    state: 'active',
    expiresOn: d('2026-12-31'),
    remindersSent: [],
    backendAccess: 'read-write',
    recipients: ['owner@cam.ac.uk', 'manager@cam.ac.uk'],
    ...over,
  };
}

const DAYS = [60, 30, 7];

describe('planRenewals', () => {
  it.each<[string, Partial<RenewalCandidate>, string, string[]]>([
    ['60 days before: the first reminder', {}, '2026-11-01', ['remind:60']],
    ['the same day again: nothing', { remindersSent: [60] }, '2026-11-01', []],
    ['30 days before', { remindersSent: [60] }, '2026-12-01', ['remind:30']],
    ['missed days: only the latest reminder', {}, '2026-12-26', ['remind:7']],
    ['at expiry: read-only', { remindersSent: [60, 30, 7] }, '2026-12-31', ['expire']],
    ['expired, within the grace period', { state: 'expired', backendAccess: 'read-only' }, '2027-01-15', []],
    ['after the grace period', { state: 'expired', backendAccess: 'read-only' }, '2027-01-30', ['suspend']],
    ['a job that missed the whole grace period', {}, '2027-02-15', ['suspend']],
    ['suspended stays suspended', { state: 'suspended', backendAccess: 'none' }, '2027-03-01', []],
    [
      'expired, but the backend still read-write (a lost task)',
      { state: 'expired', backendAccess: 'read-write' },
      '2027-01-10',
      ['reapply-access'],
    ],
  ])('%s', (_label, over, today, expected) => {
    const actions = planRenewals([account(over)], d(today), DAYS, 30);
    expect(actions.map((a) => (a.kind === 'remind' ? `remind:${a.daysBefore}` : a.kind))).toEqual(expected);
  });

  it('keys each email by account, expiry and kind, so a repeated run sends it once', () => {
    const [action] = planRenewals([account({})], d('2026-11-01'), DAYS, 30);
    if (action === undefined || action.kind === 'reapply-access') throw new Error('expected a reminder');
    const email = renewalEmail(action, d('2026-11-01'), 30);
    expect(email).toMatchObject({
      to: ['owner@cam.ac.uk', 'manager@cam.ac.uk'],
      dedupeKey: 'storage:a1:2026-12-31:remind:60',
      subject: 'Research storage RFS-000001 expires on 2026-12-31',
    });
    expect(email.text).toContain('expires in 60 days, on 2026-12-31');
  });
});
