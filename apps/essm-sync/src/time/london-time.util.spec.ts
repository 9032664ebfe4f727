import { describe, expect, it } from '@jest/globals';
import {
  formatLondon,
  londonToInstant,
  londonWallTimeExists,
  londonWallToIso,
  WallTimeError,
} from './london-time.util.js';

describe('londonWallToIso', () => {
  // 2025: clocks go forward on Sunday 30 March at 01:00 GMT, back on Sunday 26 October at 02:00 BST.
  // 2026: forward on 29 March, back on 25 October.
  const cases: [string, string, string, string][] = [
    ['winter', '2025-01-15', '09:00', '2025-01-15T09:00:00+00:00'],
    ['summer', '2025-07-01', '14:30', '2025-07-01T14:30:00+01:00'],
    ['Saturday before the spring change', '2025-03-29', '09:00', '2025-03-29T09:00:00+00:00'],
    ['just before the skipped hour', '2025-03-30', '00:59', '2025-03-30T00:59:00+00:00'],
    [
      'the skipped hour starts: one hour later on the clock',
      '2025-03-30',
      '01:00',
      '2025-03-30T02:00:00+01:00',
    ],
    ['inside the skipped hour', '2025-03-30', '01:30', '2025-03-30T02:30:00+01:00'],
    ['just after the skipped hour', '2025-03-30', '02:00', '2025-03-30T02:00:00+01:00'],
    ['Monday after the spring change', '2025-03-31', '09:00', '2025-03-31T09:00:00+01:00'],
    ['Saturday before the autumn change', '2025-10-25', '09:00', '2025-10-25T09:00:00+01:00'],
    ['before the repeated hour', '2025-10-26', '00:30', '2025-10-26T00:30:00+01:00'],
    ['the repeated hour: its first (summer) reading', '2025-10-26', '01:30', '2025-10-26T01:30:00+01:00'],
    ['after the repeated hour', '2025-10-26', '02:00', '2025-10-26T02:00:00+00:00'],
    ['Monday after the autumn change', '2025-10-27', '09:00', '2025-10-27T09:00:00+00:00'],
    ['2026 spring Monday', '2026-03-30', '09:00', '2026-03-30T09:00:00+01:00'],
    ['2026 autumn Monday', '2026-10-26', '09:00', '2026-10-26T09:00:00+00:00'],
    ['midnight', '2025-06-01', '00:00', '2025-06-01T00:00:00+01:00'],
    ['seconds accepted', '2025-06-01', '23:59:30', '2025-06-01T23:59:30+01:00'],
  ];
  it.each(cases)('%s: %s %s -> %s', (_name, date, time, expected) => {
    expect(londonWallToIso(date, time)).toBe(expected);
  });

  it('gives instants, so an event across the autumn change lasts an hour longer on the clock', () => {
    const start = londonToInstant('2025-10-26', '00:30');
    const end = londonToInstant('2025-10-26', '02:30');
    expect((end - start) / 60_000).toBe(180);
  });

  it('formats instants either side of the change with their own offsets', () => {
    expect(formatLondon(Date.UTC(2025, 9, 26, 0, 30))).toBe('2025-10-26T01:30:00+01:00');
    expect(formatLondon(Date.UTC(2025, 9, 26, 1, 30))).toBe('2025-10-26T01:30:00+00:00');
  });

  it.each([
    ['2025-13-01', '09:00', 'is not YYYY-MM-DD|does not exist'],
    ['2025-02-30', '09:00', 'does not exist'],
    ['20250101', '09:00', 'is not YYYY-MM-DD'],
    ['2025-01-01', '9:00', 'is not HH:MM'],
    ['2025-01-01', '24:00', 'out of range'],
    ['2025-01-01', '09:60', 'out of range'],
  ])('refuses %s %s', (date, time, message) => {
    expect(() => londonWallToIso(date, time)).toThrow(WallTimeError);
    expect(() => londonWallToIso(date, time)).toThrow(new RegExp(message));
  });
});

describe('londonWallTimeExists', () => {
  // Only the spring change's hour is missing; the autumn change's hour happens twice, so it exists.
  const cases: [string, string, string, boolean][] = [
    ['spring Sunday, before the change', '2025-03-30', '00:59', true],
    ['spring Sunday, the change', '2025-03-30', '01:00', false],
    ['spring Sunday, inside the skipped hour', '2025-03-30', '01:30', false],
    ['spring Sunday, the last minute of it', '2025-03-30', '01:59', false],
    ['spring Sunday, after it', '2025-03-30', '02:00', true],
    ['Saturday before the spring change', '2025-03-29', '01:30', true],
    ['Monday after the spring change', '2025-03-31', '01:30', true],
    ['2026 spring Sunday', '2026-03-29', '01:30', false],
    ['autumn Sunday, before the repeated hour', '2025-10-26', '00:30', true],
    ['autumn Sunday, the repeated hour', '2025-10-26', '01:30', true],
    ['autumn Sunday, after it', '2025-10-26', '02:00', true],
    ['2026 autumn Sunday, the repeated hour', '2026-10-25', '01:00', true],
    ['an ordinary day', '2025-06-01', '01:30', true],
  ];
  it.each(cases)('%s: %s %s -> %s', (_name, date, time, exists) => {
    expect(londonWallTimeExists(date, time)).toBe(exists);
  });

  it('refuses what is not a wall time', () => {
    expect(() => londonWallTimeExists('2025-03-30', '1:30')).toThrow(WallTimeError);
  });
});
