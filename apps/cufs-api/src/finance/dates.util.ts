/** Whether `date` (`YYYY-MM-DD`) lies within `start` and `end` (inclusive; null is open-ended). */
export function withinDates(date: string, start: string | null, end: string | null): boolean {
  return (start === null || start <= date) && (end === null || date <= end);
}

/** Today in the University's time zone, `YYYY-MM-DD`. */
export function londonDate(at: number): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Europe/London',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(new Date(at));
}

/** True for a real calendar date written `YYYY-MM-DD` (not 2026-02-30). */
export function isCalendarDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const parsed = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === text;
}

/** "from 2024-01-01 to 2028-12-31", "from 2024-01-01", "until 2028-12-31". */
export function describeDates(start: string | null, end: string | null): string {
  if (start !== null && end !== null) return `from ${start} to ${end}`;
  if (start !== null) return `from ${start}`;
  if (end !== null) return `until ${end}`;
  return 'at any time';
}
