/**
 * Calendar dates of the storage domain (start, expiry, reminder days) as ISO `YYYY-MM-DD` strings:
 * a licence runs from a date to a date, whatever the time zone of whoever looks at it, so no instant
 * is involved. Arithmetic is done on UTC midnights, where every day has 24 hours.
 */
export type CalendarDate = string & { readonly __calendarDate: unique symbol };

const DAY_MS = 86_400_000;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A `YYYY-MM-DD` string that names a real day, or an error saying what is wrong with it. */
export function parseCalendarDate(text: string): CalendarDate {
  const match = ISO_DATE.exec(text);
  if (!match) throw new RangeError(`"${text}" is not a date in the form YYYY-MM-DD`);
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
    throw new RangeError(`"${text}" is not a day of the calendar`);
  }
  return text as CalendarDate;
}

/** The calendar date of an instant in UTC (Cloud Run's clock; the university's day starts within an hour of it). */
export function calendarDateOf(instant: Date): CalendarDate {
  return instant.toISOString().slice(0, 10) as CalendarDate;
}

function utcMs(date: CalendarDate): number {
  return Date.parse(`${date}T00:00:00Z`);
}

function fromUtcMs(ms: number): CalendarDate {
  return new Date(ms).toISOString().slice(0, 10) as CalendarDate;
}

export function addDays(date: CalendarDate, days: number): CalendarDate {
  return fromUtcMs(utcMs(date) + days * DAY_MS);
}

/**
 * The same day `years` later; 29 February becomes 28 February in a year without it (a licence bought
 * on a leap day expires a day early rather than running into March).
 */
export function addYears(date: CalendarDate, years: number): CalendarDate {
  const d = new Date(utcMs(date));
  const year = d.getUTCFullYear() + years;
  const month = d.getUTCMonth();
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return fromUtcMs(Date.UTC(year, month, Math.min(d.getUTCDate(), lastDay)));
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: CalendarDate, to: CalendarDate): number {
  return Math.round((utcMs(to) - utcMs(from)) / DAY_MS);
}

export function compareDates(a: CalendarDate, b: CalendarDate): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The UTC midnight a `DATE` column stores for the day. */
export function asDate(date: CalendarDate): Date {
  return new Date(`${parseCalendarDate(date)}T00:00:00Z`);
}
