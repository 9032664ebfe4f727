/**
 * Europe/London wall-clock time (what TermTime gives: `YYYY-MM-DD` and `HH:MM`) to an instant with
 * its offset (what Booker wants: `2025-10-20T09:00:00+01:00`), following British Summer Time with
 * the platform's time zone data (`Intl`), no date library.
 *
 * Two wall times are not one instant each, and the rule for them is Temporal's `compatible`:
 * - In the skipped hour (the last Sunday of March, 01:00 to 02:00 does not exist) a wall time means
 *   the same time read with the offset before the change, so it lands one hour later on the clock:
 *   01:30 is 01:30Z, shown as 02:30+01:00. A lesson timetabled at 01:30 that day still lasts as long.
 * - In the repeated hour (the last Sunday of October, 01:00 to 02:00 happens twice) a wall time
 *   means the first of the two, in summer time: 01:30 is 01:30+01:00 (00:30Z).
 */

const ZONE = 'Europe/London';

const parts = new Intl.DateTimeFormat('en-GB', {
  timeZone: ZONE,
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME = /^(\d{2}):(\d{2})(?::(\d{2}))?$/;
const MINUTE = 60_000;

/** A wall time that is not one: bad format or out of range. */
export class WallTimeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WallTimeError';
  }
}

/** London's offset from UTC at an instant, in minutes (0 or 60). */
export function londonOffsetMinutes(instantMs: number): number {
  const values: Record<string, number> = {};
  for (const part of parts.formatToParts(new Date(instantMs))) {
    if (part.type !== 'literal') values[part.type] = Number(part.value);
  }
  const wall = Date.UTC(
    values.year ?? 0,
    (values.month ?? 1) - 1,
    values.day ?? 1,
    values.hour ?? 0,
    values.minute ?? 0,
    values.second ?? 0,
  );
  return Math.round((wall - Math.floor(instantMs / 1000) * 1000) / MINUTE);
}

/** The wall time as if it were UTC (milliseconds), checked. */
function wallAsUtc(date: string, time: string): number {
  const d = DATE.exec(date);
  if (d === null) throw new WallTimeError(`date '${date.slice(0, 20)}' is not YYYY-MM-DD`);
  const t = TIME.exec(time);
  if (t === null) throw new WallTimeError(`time '${time.slice(0, 20)}' is not HH:MM`);
  const [year, month, day] = [Number(d[1]), Number(d[2]), Number(d[3])];
  const [hour, minute, second] = [Number(t[1]), Number(t[2]), Number(t[3] ?? '0')];
  if (hour > 23 || minute > 59 || second > 59) throw new WallTimeError(`time '${time}' is out of range`);
  const ms = Date.UTC(year, month - 1, day, hour, minute, second);
  const check = new Date(ms);
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) {
    throw new WallTimeError(`date '${date}' does not exist`);
  }
  return ms;
}

/** The instant (milliseconds since the epoch) of a London wall time; see the file comment for DST. */
export function londonToInstant(date: string, time: string): number {
  const wall = wallAsUtc(date, time);
  // London is UTC+0 or UTC+1: try summer time first, so the repeated hour takes its first reading.
  for (const offset of [60, 0]) {
    const instant = wall - offset * MINUTE;
    if (londonOffsetMinutes(instant) === offset) return instant;
  }
  // The skipped hour: read it with the offset in force just before (GMT).
  return wall - londonOffsetMinutes(wall - 2 * 60 * MINUTE) * MINUTE;
}

/**
 * Whether a London wall time exists: false in the skipped hour of the last Sunday of March
 * (01:00 to 02:00: the clocks go forward), true elsewhere (the repeated October hour exists, twice).
 * Throws `WallTimeError` for a bad format, as `londonToInstant` does.
 */
export function londonWallTimeExists(date: string, time: string): boolean {
  const wall = wallAsUtc(date, time);
  return [60, 0].some((offset) => londonOffsetMinutes(wall - offset * MINUTE) === offset);
}

/** An instant as ISO 8601 with London's offset at that instant: `2025-10-20T09:00:00+01:00`. */
export function formatLondon(instantMs: number): string {
  const offset = londonOffsetMinutes(instantMs);
  const local = new Date(instantMs + offset * MINUTE).toISOString().slice(0, 19);
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  const hh = String(Math.floor(abs / 60)).padStart(2, '0');
  const mm = String(abs % 60).padStart(2, '0');
  return `${local}${sign}${hh}:${mm}`;
}

/** A London wall time as Booker's ISO 8601 with offset. */
export function londonWallToIso(date: string, time: string): string {
  return formatLondon(londonToInstant(date, time));
}
