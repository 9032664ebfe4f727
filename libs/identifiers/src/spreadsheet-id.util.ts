import { z } from 'zod';

/**
 * A Google spreadsheet id (the part of its URL after `/d/`): letters, digits, '-' and '_', 3 to 128
 * of them. Anything else (a path, a URL, a space) is refused before it reaches a URL or a file name.
 */
const SPREADSHEET_ID = /^[A-Za-z0-9_-]{3,128}$/;

export const SPREADSHEET_ID_RULE = 'letters, digits, "-" and "_", 3 to 128 of them';

export function isSpreadsheetId(value: string): boolean {
  return SPREADSHEET_ID.test(value);
}

export const spreadsheetId = z
  .string()
  .refine(isSpreadsheetId, { message: `must be a Google spreadsheet id (${SPREADSHEET_ID_RULE})` });
