import { z } from 'zod';

/**
 * A CRSid (the University of Cambridge user identifier) in canonical form: lower-case letters
 * followed by optional digits, 2 to 8 characters in all (`ab123`, `spqr1`, `fjc55`, `abcd`).
 */
const CRSID = /^(?=.{2,8}$)[a-z]+[0-9]*$/;

export const CRSID_RULE = 'a CRSid is 2 to 8 characters: lower-case letters, then digits (e.g. ab123)';

/** True for a CRSid written canonically (lower case, no spaces). */
export function isCrsid(value: string): boolean {
  return CRSID.test(value);
}

/** The CRSid in canonical form (trimmed, lower-cased), or null when the text is not a CRSid. */
export function normaliseCrsid(text: string): string | null {
  const value = text.trim().toLowerCase();
  return isCrsid(value) ? value : null;
}

/** A CRSid as input: trimmed and lower-cased, then checked. */
export const crsid = z
  .string()
  .trim()
  .toLowerCase()
  .refine(isCrsid, { message: `must be a CRSid (${CRSID_RULE})` });
