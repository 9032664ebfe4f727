import { displayName, spreadsheetId } from '@app/identifiers';
import { z } from 'zod';

export const COLLEGE_ID = /^[a-z0-9][a-z0-9-]{0,39}$/;

export const collegeIdSchema = z
  .string()
  .regex(
    COLLEGE_ID,
    'must be 1 to 40 lower-case letters, digits or hyphens, starting with a letter or digit',
  );

export const collegeInputSchema = z.strictObject({
  /** One line people read: no control, format (right-to-left override, zero-width...) or separator characters. */
  name: displayName({ maxLength: 200 }),
  spreadsheetId,
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
