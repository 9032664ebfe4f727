import type { Weekday } from './sheet.types.js';

// CRSids and email addresses follow the platform's one rule each (an address the import accepts is
// one the outbox sends to); re-exported so the sheet's rules are read in one place.
export { isEmailAddress, normaliseCrsid } from '@app/identifiers';

export const MAX_POOL_NAME_LENGTH = 32;

const POOL_NAME_CHARACTER = /[A-Za-z0-9 _-]/;
const POOL_NAME_CHARACTERS = /^[A-Za-z0-9 _-]*$/;

const WEEKDAYS: readonly Weekday[] = [
  'Monday',
  'Tuesday',
  'Wednesday',
  'Thursday',
  'Friday',
  'Saturday',
  'Sunday',
];

/** Cell text as compared and stored: surrounding spaces removed. */
export function cellValue(text: string | undefined): string {
  return (text ?? '').trim();
}

/** Key under which names (pools, households, headers, worksheet titles) are compared: case and spacing ignored. */
export function nameKey(text: string): string {
  return text.trim().replace(/\s+/g, ' ').toLowerCase();
}

/** What is wrong with a pool name, as the end of a sentence about it, or null when it is fine. */
export function poolNameProblem(name: string): string | null {
  if (name.length > MAX_POOL_NAME_LENGTH) {
    return `is ${name.length} characters long; a pool name can have at most ${MAX_POOL_NAME_LENGTH} characters`;
  }
  if (POOL_NAME_CHARACTERS.test(name)) return null;
  const bad = [...new Set([...name].filter((character) => !POOL_NAME_CHARACTER.test(character)))];
  if (bad.length > 0) {
    const shown = bad.map((character) => `'${character}'`).join(', ');
    return `contains ${shown}; a pool name may only contain letters, digits, spaces, '-' and '_'`;
  }
  return null;
}

/** The canonical day name for a day written in any case ('monday', 'MONDAY'), or null. */
export function parseWeekday(text: string): Weekday | null {
  const wanted = text.trim().toLowerCase();
  return WEEKDAYS.find((day) => day.toLowerCase() === wanted) ?? null;
}

/**
 * Control characters (C0 and C1, DEL), which PostgreSQL cannot store (NUL) or which make text that
 * looks right compare wrong. Tab, line feed and carriage return are allowed when `allowLineBreaks`
 * (a sheet cell may hold several lines); a one-line field allows none.
 */
function isControlCharacter(code: number, allowLineBreaks: boolean): boolean {
  if (allowLineBreaks && (code === 0x09 || code === 0x0a || code === 0x0d)) return false;
  return code < 0x20 || (code >= 0x7f && code <= 0x9f);
}

/** The distinct control characters in `text`, written 'U+0000', in order of appearance. */
export function controlCharactersIn(text: string, options = { allowLineBreaks: true }): string[] {
  const found = new Set<string>();
  for (const character of text) {
    const code = character.codePointAt(0) ?? 0;
    if (isControlCharacter(code, options.allowLineBreaks))
      found.add(`U+${code.toString(16).toUpperCase().padStart(4, '0')}`);
  }
  return [...found];
}

/** `text` with its control characters (line breaks and tabs kept) removed. */
export function withoutControlCharacters(text: string): string {
  return [...text].filter((character) => !isControlCharacter(character.codePointAt(0) ?? 0, true)).join('');
}
