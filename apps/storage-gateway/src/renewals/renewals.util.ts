import { accessFor, type AccountState, dueReminder, scheduledState } from '../accounts/account-state.util.js';
import { type CalendarDate, daysBetween } from '../domain/calendar.util.js';

/** An account near or past its expiry, as the renewals job reads it (one statement for all). */
export interface RenewalCandidate {
  id: string;
  reference: string;
  name: string;
  state: AccountState;
  expiresOn: CalendarDate;
  remindersSent: readonly number[];
  backendAccess: string | null;
  recipients: readonly string[];
}

export type RenewalAction =
  | { kind: 'remind'; account: RenewalCandidate; daysBefore: number }
  | { kind: 'expire' | 'suspend'; account: RenewalCandidate; from: AccountState }
  /** The backend was not told the access the state allows (a lost task): tell it again. */
  | { kind: 'reapply-access'; account: RenewalCandidate };

/** What the renewals job does today, from the candidates: the same rules as the account and its reminders. */
export function planRenewals(
  candidates: readonly RenewalCandidate[],
  today: CalendarDate,
  reminderDays: readonly number[],
  graceDays: number,
): RenewalAction[] {
  const actions: RenewalAction[] = [];
  for (const account of candidates) {
    const next = scheduledState(account.state, account.expiresOn, today, graceDays);
    if (next === 'expired' && account.state === 'active') {
      actions.push({ kind: 'expire', account, from: account.state });
      continue;
    }
    if (next === 'suspended' && account.state !== 'suspended') {
      actions.push({ kind: 'suspend', account, from: account.state });
      continue;
    }
    if (account.backendAccess !== null && account.backendAccess !== accessFor(account.state)) {
      actions.push({ kind: 'reapply-access', account });
    }
    if (account.state === 'active') {
      const due = dueReminder(account.expiresOn, today, reminderDays, account.remindersSent);
      if (due !== null) actions.push({ kind: 'remind', account, daysBefore: due });
    }
  }
  return actions;
}

export interface RenewalEmail {
  to: string[];
  subject: string;
  text: string;
  dedupeKey: string;
}

/** The email an action sends to the account's owner and managers; keyed so that a repeated run sends it once. */
export function renewalEmail(
  action: Exclude<RenewalAction, { kind: 'reapply-access' }>,
  today: CalendarDate,
  graceDays: number,
): RenewalEmail {
  const a = action.account;
  const base = `storage:${a.id}:${a.expiresOn}`;
  const to = [...a.recipients];
  switch (action.kind) {
    case 'remind': {
      const days = daysBetween(today, a.expiresOn);
      return {
        to,
        dedupeKey: `${base}:remind:${action.daysBefore}`,
        subject: `Research storage ${a.reference} expires on ${a.expiresOn}`,
        text:
          `${a.name} (${a.reference}) expires in ${days} day${days === 1 ? '' : 's'}, on ${a.expiresOn}.\n\n` +
          `Renew it in the storage portal before then to keep read-write access. After the expiry the data is ` +
          `read-only for ${graceDays} days, then access stops. A renewal made later is backdated to the expiry date.`,
      };
    }
    case 'expire':
      return {
        to,
        dedupeKey: `${base}:expired`,
        subject: `Research storage ${a.reference} has expired and is now read-only`,
        text:
          `${a.name} (${a.reference}) expired on ${a.expiresOn}. The data is now read-only.\n\n` +
          `Renew it in the storage portal within ${graceDays} days of the expiry to restore write access; after that, ` +
          `access stops. The renewal is backdated to ${a.expiresOn}.`,
      };
    case 'suspend':
      return {
        to,
        dedupeKey: `${base}:suspended`,
        subject: `Research storage ${a.reference} is suspended`,
        text:
          `${a.name} (${a.reference}) expired on ${a.expiresOn} and was not renewed within ${graceDays} days, so access ` +
          `has stopped. The data is kept for now: renew in the storage portal to restore access (backdated to ${a.expiresOn}).`,
      };
  }
}
