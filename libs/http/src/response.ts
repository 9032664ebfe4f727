import type { z } from 'zod';
import { UpstreamError } from './upstream.error.js';

/**
 * An external system answered, but not in the shape its client expects: `response` says which
 * answer (`the activities list`), `field` where the first problem is (`[12].events[3].startTime`,
 * `(top level)`), and the message every problem found (the first ten). Values are never quoted,
 * so nothing personal or secret reaches a log.
 */
export class UnexpectedResponseError extends UpstreamError {
  constructor(
    system: string,
    readonly response: string,
    readonly field: string,
    readonly problems: readonly string[],
    status?: number,
  ) {
    super(system, `unexpected ${response}: ${problems.join('; ')}`, status);
    this.name = 'UnexpectedResponseError';
  }
}

/** `[12].events[3].startTime` from a zod issue path; `(top level)` for the root. */
export function describeIssuePath(path: readonly PropertyKey[]): string {
  const where = path
    .map((key) => (typeof key === 'number' ? `[${key}]` : `.${String(key)}`))
    .join('')
    .replace(/^\./, '');
  return where === '' ? '(top level)' : where;
}

/**
 * Parses an answer with `schema`, or throws an `UnexpectedResponseError` naming the response and
 * the field (`TermTime: unexpected activities list: [12].events[3].startTime: must be HH:MM`).
 */
export function parseResponse<S extends z.ZodType>(
  schema: S,
  data: unknown,
  where: { system: string; response: string; status?: number },
): z.output<S> {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  const issues = result.error.issues;
  const problems = issues
    .slice(0, 10)
    .map((issue) => `${describeIssuePath(issue.path)}: ${issue.message}`)
    .concat(issues.length > 10 ? [`(and ${issues.length - 10} more)`] : []);
  throw new UnexpectedResponseError(
    where.system,
    where.response,
    describeIssuePath(issues[0]?.path ?? []),
    problems,
    where.status,
  );
}
