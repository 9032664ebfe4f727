export const REDACTED = '[redacted]';

/** Keys whose values never reach a log line, whatever the nesting. */
const SECRET_KEY =
  /(authorization|cookie|password|passwd|secret|token|api[-_]?key|private[-_]?key|credential)/i;

/** Whether a field of this name is never logged (its value is replaced by REDACTED). */
export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key);
}

/**
 * A copy of `value` with secret-looking keys replaced and credentials removed from URLs in every
 * string; safe for objects with cycles.
 */
export function redactSecrets(value: unknown, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return redactUrlCredentials(value);
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return '[circular]';
  seen.add(value);
  if (Array.isArray(value)) return value.map((v) => redactSecrets(v, seen));
  if (value instanceof Date) return value;
  // An Error's name, message, stack and cause are not own enumerable properties: copy them
  // explicitly, then its own fields (a code, a database error's detail and constraint, a Prisma
  // error's meta, an HTTP exception's response), and an AggregateError's errors.
  if (value instanceof Error) {
    const { name, message, stack } = value;
    const out: Record<string, unknown> = { name, message: redactUrlCredentials(message) };
    if (stack !== undefined) out['stack'] = redactUrlCredentials(stack);
    const code = (value as { code?: unknown }).code;
    if (code !== undefined) out['code'] = code;
    for (const [key, v] of Object.entries(value)) {
      if (!(key in out)) out[key] = SECRET_KEY.test(key) ? REDACTED : redactSecrets(v, seen);
    }
    const cause = (value as { cause?: unknown }).cause;
    if (cause !== undefined) out['cause'] = redactSecrets(cause, seen);
    if (value instanceof AggregateError) out['errors'] = redactSecrets(value.errors, seen);
    return out;
  }
  // A URL, a decimal, a Buffer: what JSON would write of it (its own fields are often none).
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === 'function') return redactSecrets(toJSON.call(value), seen);
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    out[key] = SECRET_KEY.test(key) ? REDACTED : redactSecrets(v, seen);
  }
  return out;
}

/** Removes user:password from URLs in free text (connection strings in error messages). */
export function redactUrlCredentials(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/@\s:]+(:[^/@\s]*)?@/gi, `$1${REDACTED}@`);
}
