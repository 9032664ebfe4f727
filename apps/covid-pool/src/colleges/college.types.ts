import { z } from 'zod';
import { controlCharactersIn } from '../sheet/sheet-rules.util.js';

export const COLLEGE_ID = /^[a-z0-9][a-z0-9-]{0,39}$/;
export const SPREADSHEET_ID = /^[A-Za-z0-9_-]{3,128}$/;

export const collegeIdSchema = z
  .string()
  .regex(
    COLLEGE_ID,
    'must be 1 to 40 lower-case letters, digits or hyphens, starting with a letter or digit',
  );

export const collegeInputSchema = z.strictObject({
  name: z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(200, 'must be at most 200 characters')
    .refine(
      (name) => controlCharactersIn(name, { allowLineBreaks: false }).length === 0,
      'must not contain control characters (line breaks, tabs, NUL...)',
    ),
  spreadsheetId: z
    .string()
    .regex(SPREADSHEET_ID, 'must be a Google spreadsheet id (letters, digits, - and _)'),
  active: z.boolean().default(true),
});

export type CollegeInput = z.infer<typeof collegeInputSchema>;

export interface CollegeView {
  id: string;
  name: string;
  spreadsheetId: string;
  spreadsheetUrl: string;
  active: boolean;
  importedAt: string | null;
}

export function spreadsheetUrl(spreadsheetId: string): string {
  return `https://docs.google.com/spreadsheets/d/${spreadsheetId}/edit`;
}
