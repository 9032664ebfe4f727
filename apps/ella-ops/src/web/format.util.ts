/** How the pages write times, durations and sizes: UTC, so that every operator reads the same. */

/** `2026-11-26 07:30:05 UTC`. */
export function time(iso: string | Date | null | undefined): string {
  if (iso === null || iso === undefined) return '';
  const d = typeof iso === 'string' ? new Date(iso) : iso;
  if (Number.isNaN(d.getTime())) return '';
  return `${d.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** `3 d 4 h`, `2 h 5 min`, `40 s`. */
export function duration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return '';
  const s = Math.max(0, Math.floor(seconds));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h} h ${m % 60} min`;
  return `${Math.floor(h / 24)} d ${h % 24} h`;
}

/** `1.2 MB`. */
export function bytes(n: number | null | undefined): string {
  if (n === null || n === undefined) return '';
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = n / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit] ?? 'TB'}`;
}

/** `4.2 %`. */
export function percent(rate: number | null | undefined): string {
  if (rate === null || rate === undefined) return '';
  return `${(rate * 100).toFixed(1)} %`;
}

/** `120 ms`, or a dash when unknown. */
export function ms(value: number | null | undefined): string {
  return value === null || value === undefined ? '–' : `${Math.round(value)} ms`;
}

/** The class a program or supervisord state is shown with (good, bad, or neutral). */
export function stateClass(state: string): string {
  if (state === 'RUNNING') return 'state-good';
  if (['FATAL', 'BACKOFF', 'EXITED', 'UNKNOWN', 'SHUTDOWN', 'FATAL_STATE'].includes(state))
    return 'state-bad';
  return 'state-other';
}

/** A value for `<input type="datetime-local">` is local to the browser; the form asks for UTC instead. */
export function utcInputHint(now: Date): string {
  return now.toISOString().slice(0, 16).replace('T', ' ');
}
