import type { AccountSummary } from '../accounts/account.types.js';
import type { OrderState } from '../orders/order-state.util.js';

/** £1,234.56 from pence. */
export function money(pence: number): string {
  return `£${(pence / 100).toLocaleString('en-GB', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

/** 26 November 2026 from 2026-11-26 (a calendar date, read as such, never shifted by a time zone). */
export function date(calendarDate: string | null): string {
  if (calendarDate === null) return '—';
  const [y, m, d] = calendarDate.slice(0, 10).split('-').map(Number);
  if (y === undefined || m === undefined || d === undefined) return calendarDate;
  return new Date(Date.UTC(y, m - 1, d)).toLocaleDateString('en-GB', {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  });
}

/**
 * What a person reads about an account's state: "Active", "Expiring in 12 days", "Read-only"...
 * `expiringDays`: from when an active account is shown as expiring (the renewal window).
 */
export function accountState(
  account: Pick<AccountSummary, 'state' | 'daysToExpiry'>,
  expiringDays = 60,
): string {
  switch (account.state) {
    case 'active':
      if (account.daysToExpiry !== null && account.daysToExpiry <= expiringDays) {
        return account.daysToExpiry === 1 ? 'Expiring in 1 day' : `Expiring in ${account.daysToExpiry} days`;
      }
      return 'Active';
    case 'expired':
      return 'Read-only (expired)';
    case 'suspended':
      return 'Suspended (no access)';
    case 'pending':
      return 'Being set up';
    case 'closed':
      return 'Closed';
  }
}

export const ROLE_NAMES: Record<string, string> = {
  owner: 'Data Owner',
  'data-manager': 'Data Manager',
  'project-manager': 'Project manager',
  'project-user': 'Project user',
};

export function role(name: string | null): string {
  return name === null ? 'Administrator' : (ROLE_NAMES[name] ?? name);
}

export const PAYMENT_NAMES: Record<string, string> = {
  finance_code: 'Finance code',
  grant_code: 'Grant code',
  purchase_order: 'Purchase order',
  voucher: 'Voucher',
};

export function payment(method: string): string {
  return PAYMENT_NAMES[method] ?? method;
}

export const ORDER_STATE_NAMES: Record<OrderState, string> = {
  submitted: 'Submitted',
  checking_payment: 'Checking payment',
  awaiting_approval: 'Awaiting approval',
  approved: 'Approved',
  provisioning: 'Being set up',
  completed: 'Completed',
  payment_rejected: 'Payment refused',
  rejected: 'Rejected',
  cancelled: 'Cancelled',
};

export function orderState(state: OrderState): string {
  return ORDER_STATE_NAMES[state];
}

/** The steps an order goes through, and where this one is: for the progress list on the order page. */
export function orderSteps(
  state: OrderState,
): { label: string; status: 'done' | 'current' | 'todo' | 'failed' }[] {
  const steps = ['Payment check', 'Approval', 'Setting up'];
  const reached: Record<OrderState, number> = {
    submitted: 0,
    checking_payment: 0,
    awaiting_approval: 1,
    approved: 2,
    provisioning: 2,
    completed: 3,
    payment_rejected: 0,
    rejected: 1,
    cancelled: -1,
  };
  const at = reached[state];
  const failed = state === 'payment_rejected' || state === 'rejected';
  return steps.map((label, i) => ({
    label,
    status: i < at ? 'done' : i === at ? (failed ? 'failed' : 'current') : 'todo',
  }));
}

/** 26 November 2026, 17:05 (UK time) from an instant. */
export function dateTime(iso: string | null): string {
  if (iso === null) return '—';
  const instant = new Date(iso);
  if (Number.isNaN(instant.getTime())) return iso;
  return instant.toLocaleString('en-GB', {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZone: 'Europe/London',
  });
}
