import type { z } from 'zod';

/** Problems by field, as page templates show them next to each field and in the summary. */
export type FieldErrors = Record<string, string>;

/** A form as the browser sent it: every value a string (a field sent twice keeps the first), no `_csrf`. */
export function formOf(body: unknown): Record<string, string> {
  const form: Record<string, string> = {};
  if (typeof body !== 'object' || body === null) return form;
  for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
    if (key === '_csrf') continue;
    const first: unknown = Array.isArray(value) ? (value as unknown[])[0] : value;
    if (typeof first === 'string') form[key] = first;
  }
  return form;
}

/** zod's problems, each under the form's name for its field (the first problem of a field wins). */
export function zodErrors(error: z.ZodError, fieldNames: Record<string, string> = {}): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of error.issues) {
    const path = issue.path.join('.');
    const field = fieldNames[path] ?? path;
    errors[field] ??= issue.message;
  }
  return errors;
}
