import { describe, expect, it } from '@jest/globals';
import { addDays, addYears, calendarDateOf, daysBetween, parseCalendarDate } from './calendar.util.js';

const d = parseCalendarDate;

describe('calendar dates', () => {
  it.each([
    ['2026-01-31', true],
    ['2028-02-29', true],
    ['2027-02-29', false],
    ['2026-13-01', false],
    ['2026-1-01', false],
    ['26-01-01', false],
    ['2026-01-01T00:00:00Z', false],
  ])('parses %s: %s', (text, valid) => {
    if (valid) expect(d(text)).toBe(text);
    else expect(() => d(text)).toThrow(RangeError);
  });

  it.each([
    ['2026-03-01', 1, '2027-03-01'],
    ['2028-02-29', 1, '2029-02-28'],
    ['2028-02-29', 4, '2032-02-29'],
    ['2026-12-31', 2, '2028-12-31'],
    ['2027-03-01', -1, '2026-03-01'],
  ])('%s plus %i years is %s', (from, years, to) => {
    expect(addYears(d(from), years)).toBe(to);
  });

  it('counts days across month ends, leap days and the clock changes', () => {
    expect(daysBetween(d('2026-03-28'), d('2026-03-30'))).toBe(2);
    expect(daysBetween(d('2026-10-24'), d('2026-10-26'))).toBe(2);
    expect(daysBetween(d('2028-02-28'), d('2028-03-01'))).toBe(2);
    expect(daysBetween(d('2027-03-01'), d('2026-03-01'))).toBe(-365);
    expect(addDays(d('2026-12-31'), 1)).toBe('2027-01-01');
    expect(addDays(d('2026-03-01'), -1)).toBe('2026-02-28');
  });

  it('takes the UTC day of an instant', () => {
    expect(calendarDateOf(new Date('2026-06-30T23:30:00Z'))).toBe('2026-06-30');
  });
});
