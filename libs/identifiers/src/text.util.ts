import { z } from 'zod';

/**
 * Characters no one-line or multi-line text we store may hold: control characters (Cc: NUL, which
 * PostgreSQL cannot store, escape, C1...), format characters (Cf: the right-to-left override U+202E,
 * zero-width space and joiners, the byte-order mark...), line and paragraph separators (Zl, Zp:
 * U+2028, U+2029) and lone surrogates (Cs). They make text that looks right compare, sort or print
 * wrong. Tab, line feed and carriage return are allowed where line breaks are.
 */
const FORBIDDEN = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/u;
const LINE_BREAK_OR_TAB = new Set([0x09, 0x0a, 0x0d]);

/** Letters, digits, punctuation and symbols: what a reader can see (not spaces, marks alone or fillers). */
const VISIBLE = /[\p{L}\p{N}\p{P}\p{S}]/u;
/** Characters of a visible class that render as nothing (Hangul fillers, the blank Braille pattern). */
const INVISIBLE_FILLERS = new Set([0x115f, 0x1160, 0x3164, 0xffa0, 0x2800]);

export interface ForbiddenCharacterOptions {
  /** Allow tab, line feed and carriage return (a sheet cell may hold several lines). Default false. */
  allowLineBreaks?: boolean;
}

/** `U+0041` for a code point. */
export function codePointLabel(codePoint: number): string {
  return `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`;
}

export function isForbiddenCharacter(character: string, options: ForbiddenCharacterOptions = {}): boolean {
  const code = character.codePointAt(0) ?? 0;
  if (options.allowLineBreaks === true && LINE_BREAK_OR_TAB.has(code)) return false;
  return FORBIDDEN.test(character);
}

/** The distinct forbidden characters of `text`, written 'U+202E', in order of appearance. */
export function forbiddenCharactersIn(text: string, options: ForbiddenCharacterOptions = {}): string[] {
  const found = new Set<string>();
  for (const character of text) {
    if (isForbiddenCharacter(character, options)) found.add(codePointLabel(character.codePointAt(0) ?? 0));
  }
  return [...found];
}

/** `text` without its forbidden characters (line breaks and tabs kept when allowed). */
export function withoutForbiddenCharacters(text: string, options: ForbiddenCharacterOptions = {}): string {
  return [...text].filter((character) => !isForbiddenCharacter(character, options)).join('');
}

/** True when `text` has at least one character a reader can see. */
export function hasVisibleCharacter(text: string): boolean {
  for (const character of text) {
    if (VISIBLE.test(character) && !INVISIBLE_FILLERS.has(character.codePointAt(0) ?? 0)) return true;
  }
  return false;
}

/** What is wrong with a one-line text, as the end of a sentence about it ("must ..."), or null. */
export function plainTextProblem(text: string, options: ForbiddenCharacterOptions = {}): string | null {
  const forbidden = forbiddenCharactersIn(text, options);
  if (forbidden.length > 0) {
    return `must not contain control, format or line separator characters (found ${forbidden.join(', ')})`;
  }
  return null;
}

export interface PlainTextSchemaOptions extends ForbiddenCharacterOptions {
  /** Longest text accepted, in UTF-16 code units (a string's length). */
  maxLength: number;
}

/** Text kept as written (trimmed), refusing control, format and separator characters. May be empty. */
export function plainText(options: PlainTextSchemaOptions) {
  return z
    .string()
    .trim()
    .max(options.maxLength, `must be at most ${options.maxLength} characters`)
    .superRefine((text, ctx) => {
      const problem = plainTextProblem(text, options);
      if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
    });
}

/**
 * A name people read (a College, a person): one line, trimmed, not empty, at least one visible
 * character (not only spaces or zero-width characters), none of the forbidden characters.
 */
export function displayName(options: { maxLength: number }) {
  return z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(options.maxLength, `must be at most ${options.maxLength} characters`)
    .superRefine((name, ctx) => {
      if (name.length === 0) return; // said by min(1)
      const problem = plainTextProblem(name);
      if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
      else if (!hasVisibleCharacter(name))
        ctx.addIssue({ code: 'custom', message: 'must contain a visible character' });
    });
}
