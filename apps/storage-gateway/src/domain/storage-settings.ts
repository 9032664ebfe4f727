/** The app's settings the domain reads (from config.ts; tests build their own). */
export abstract class StorageSettings {
  /** A quote can be ordered for this many days (QUOTE_VALID_DAYS). */
  abstract readonly quoteValidDays: number;
  /** Reminder days before expiry (RENEWAL_REMINDER_DAYS); the largest also opens renewal quotes. */
  abstract readonly reminderDays: readonly number[];
  /** Days from expiry (read-only) to suspension (RENEWAL_GRACE_DAYS). */
  abstract readonly graceDays: number;
  /** Largest purchase order document accepted (PO_MAX_BYTES). */
  abstract readonly poMaxBytes: number;
}

export function renewalWindowDays(settings: StorageSettings): number {
  return Math.max(...settings.reminderDays);
}
