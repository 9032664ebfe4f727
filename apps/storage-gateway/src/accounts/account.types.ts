import type { CalendarDate } from '../domain/calendar.util.js';
import type { AccountState } from './account-state.util.js';
import type { AccountRole } from './membership.util.js';

export interface AccountSummary {
  id: string;
  reference: string;
  name: string;
  product: { code: string; name: string };
  department: { code: string; name: string };
  sizeTb: number;
  state: AccountState;
  /** Days until expiry (negative once expired); null while pending. */
  daysToExpiry: number | null;
  startsOn: CalendarDate | null;
  expiresOn: CalendarDate | null;
  /** What the asking person is to the account; null for an administrator who is not a member. */
  myRole: AccountRole | null;
}

export interface AccountDetail extends AccountSummary {
  owner: string;
  managers: string[];
  projects: { id: string; name: string; managers: string[]; users: string[] }[];
}
