export const REDACTED = '[redacted]';

/** Keys whose values never reach a log line, whatever the nesting. */
const SECRET_KEY =
  /(authorization|cookie|password|passwd|secret|token|api[-_]?key|private[-_]?key|credential)/i;

/** A copy of `value` with secret-looking keys replaced; safe for objects with cycles. */
export function redactSecrets(value: unknown, seen = new WeakSet<object>()): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return '[circular]';
  seen.add(value);
  if (Array.isArray(value)) return value.map((v) => redactSecrets(v, seen));
  if (value instanceof Date) return value;
  // An Error's message and stack are not own enumerable properties: copy them explicitly.
  if (value instanceof Error) {
    const { name, message, stack } = value;
    const code = (value as { code?: unknown }).code;
    const cause = (value as { cause?: unknown }).cause;
    return {
      name,
      message: redactUrlCredentials(message),
      ...(stack !== undefined ? { stack: redactUrlCredentials(stack) } : {}),
      ...(code !== undefined ? { code } : {}),
      ...(cause !== undefined ? { cause: redactSecrets(cause, seen) } : {}),
    };
  }
  // A URL, a decimal, a Buffer: what JSON would write of it (its own fields are often none).
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === 'function') {
    const json: unknown = toJSON.call(value);
    return typeof json === 'string' ? redactUrlCredentials(json) : redactSecrets(json, seen);
  }
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
