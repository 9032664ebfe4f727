import { z } from 'zod';

/** Thrown at boot when the environment does not satisfy an app's schema. Names variables, never values. */
export class ConfigError extends Error {
  constructor(readonly problems: { variable: string; message: string }[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p.variable}: ${p.message}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Parses the environment with an app's zod schema. Empty strings count as unset, so that
 * `FOO=` in a deploy manifest behaves like a missing variable and falls back to the default.
 * zod's own messages can quote the received value; they are replaced with value-free ones.
 */
export function loadConfig<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  // Parsed once per process: without zod's JIT, which would first generate and compile a parser for
  // the schema's shape (a few ms of every boot) to save microseconds on later parses that never come.
  const result = schema.safeParse(cleaned, { jitless: true });
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => ({
    variable: issue.path.length > 0 ? issue.path.join('.') : '(environment)',
    message: describeIssue(issue),
  }));
  throw new ConfigError(problems);
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type' && issue.input === undefined) return 'is required';
  // zod's messages (or the schema's own, e.g. "must be a postgresql:// URL") describe the rule, not
  // the value; still, never let a message carry the value it rejected.
  const input = (issue as { input?: unknown }).input;
  if (typeof input === 'string' && input.length > 0 && issue.message.includes(input)) return 'is invalid';
  return issue.message;
}

/** `true`/`false`/`1`/`0` (any case) as a boolean; anything else is a config error. */
export const booleanFromEnv = (defaultValue: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'TRUE', 'FALSE', 'True', 'False'])
    .default(defaultValue ? 'true' : 'false')
    .transform((v) => v === 'true' || v === '1' || v.toLowerCase() === 'true');

/** A comma-separated list, trimmed, empty entries dropped. */
export const listFromEnv = () =>
  z
    .string()
    .default('')
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s.length > 0),
    );
