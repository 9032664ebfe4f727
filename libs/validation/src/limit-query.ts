import { z } from 'zod';

export interface LimitQueryOptions {
  /** Used when the parameter is absent. */
  default: number;
  /** The largest value accepted; a larger one is a 400, never silently cut down. */
  max: number;
  /** The parameter's name, for the error message (default `limit`). */
  name?: string;
}

/**
 * The one parser for `?limit=`-style query parameters: absent gives the default; present must be
 * written once as a whole number from 1 to `max` (`?limit=`, `?limit=1.5`, `?limit=1e2`, `?limit=0`,
 * `?limit=1&limit=2` are refused with a message naming the parameter). Use it inside a `@ZodQuery`
 * schema: `z.strictObject({ limit: limitQuery({ default: 20, max: 200 }) })`.
 */
export function limitQuery(options: LimitQueryOptions) {
  const { default: fallback, max } = options;
  if (!Number.isInteger(fallback) || !Number.isInteger(max) || fallback < 1 || fallback > max) {
    throw new Error(`limitQuery: default ${fallback} must be a whole number from 1 to max ${max}`);
  }
  const message = `${options.name ?? 'limit'} must be a whole number from 1 to ${max}`;
  return z
    .string({ error: message })
    .regex(/^[0-9]{1,9}$/, { error: message })
    .transform(Number)
    .pipe(z.number().min(1, { error: message }).max(max, { error: message }))
    .optional()
    .transform((value) => value ?? fallback)
    .meta({ description: `1 to ${max}, default ${fallback}` });
}
