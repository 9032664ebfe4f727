import { addDays, type CalendarDate, compareDates, daysBetween } from '../domain/calendar.util.js';

/**
 * A storage account's life: pending (ordered, not yet set up) → active → expired (read-only) at its
 * expiry → suspended (no access) after the grace period → active again when a renewal completes, or
 * closed. The state decides what the storage backend allows.
 */
export const ACCOUNT_STATES = ['pending', 'active', 'expired', 'suspended', 'closed'] as const;
export type AccountState = (typeof ACCOUNT_STATES)[number];

export type Access = 'read-write' | 'read-only' | 'none';

export function accessFor(state: AccountState): Access {
  switch (state) {
    case 'active':
      return 'read-write';
    case 'expired':
      return 'read-only';
    default:
      return 'none';
  }
}

const ALLOWED: Record<AccountState, readonly AccountState[]> = {
  pending: ['active', 'closed'],
  // active → suspended: the renewals job catching up after missing the whole grace period.
  active: ['expired', 'suspended', 'closed'],
  expired: ['active', 'suspended', 'closed'],
  suspended: ['active', 'closed'],
  closed: [],
};

export function canMoveAccount(from: AccountState, to: AccountState): boolean {
  return ALLOWED[from].includes(to);
}

/**
 * Where the calendar puts an account today, from its expiry and the grace period: what the renewals
 * job moves it to. Pending and closed accounts are not the calendar's to move.
 */
export function scheduledState(
  state: AccountState,
  expiresOn: CalendarDate,
  today: CalendarDate,
  graceDays: number,
): AccountState {
  if (state === 'pending' || state === 'closed') return state;
  // Before the expiry the calendar changes nothing: only a completed renewal brings storage back.
  if (compareDates(today, expiresOn) < 0) return state;
  if (compareDates(today, addDays(expiresOn, graceDays)) < 0)
    return state === 'suspended' ? 'suspended' : 'expired';
  return 'suspended';
}

/**
 * The reminder due today, if any: the largest reminder day that has been reached and not yet sent.
 * Reminders are days before expiry (for example 60, 30, 7); a day missed (the job did not run) is
 * caught up by the next run, but only the latest one is sent, never a burst of all the missed ones.
 */
export function dueReminder(
  expiresOn: CalendarDate,
  today: CalendarDate,
  reminderDays: readonly number[],
  alreadySent: readonly number[],
): number | null {
  const daysLeft = daysBetween(today, expiresOn);
  if (daysLeft <= 0) return null;
  const reached = [...reminderDays].sort((a, b) => a - b).filter((d) => daysLeft <= d);
  const latest = reached[0];
  if (latest === undefined || alreadySent.includes(latest)) return null;
  // A reminder nearer the expiry supersedes an earlier one that was never sent.
  if (alreadySent.some((sent) => sent < latest)) return null;
  return latest;
}
