import { z } from 'zod';
import { baseSchema, booleanFromEnv, checkBaseRules, loadConfig } from '@app/config';
import { emailList } from '@app/identifiers';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function isRealDate(value: string): boolean {
  const parsed = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === value;
}

/**
 * A window bound: `YYYY-MM-DD`, or a TermTime timeframe code (`AY2526`), whose first or last date
 * is read from TermTime at the start of each run.
 */
const windowBound = z
  .string()
  .min(1)
  .max(110)
  .refine((value) => !DATE.test(value) || isRealDate(value), {
    message: 'must be a real YYYY-MM-DD date or a TermTime timeframe code',
  });

/**
 * Activity type name -> Booker booking type. In the environment `Lecture=LEC,Practical=PRAC,*=TEACH`
 * (or the same as a JSON object); in YAML a map. `*` is the type for activity types not listed.
 */
const bookingTypes = z
  .union([z.string(), z.record(z.string(), z.unknown())])
  .transform((value, ctx): Record<string, string> => {
    let entries: [string, unknown][];
    if (typeof value === 'string') {
      const trimmed = value.trim();
      if (trimmed.startsWith('{')) {
        try {
          entries = Object.entries(JSON.parse(trimmed) as Record<string, unknown>);
        } catch {
          ctx.addIssue({ code: 'custom', message: 'is not a JSON object' });
          return z.NEVER;
        }
      } else {
        entries = [];
        for (const pair of trimmed.split(',').filter((part) => part.trim() !== '')) {
          const at = pair.indexOf('=');
          if (at <= 0) {
            ctx.addIssue({
              code: 'custom',
              message: 'must be <activity type>=<booking type>, comma-separated',
            });
            return z.NEVER;
          }
          entries.push([pair.slice(0, at).trim(), pair.slice(at + 1).trim()]);
        }
      }
    } else {
      entries = Object.entries(value);
    }
    const result: Record<string, string> = {};
    for (const [type, booking] of entries) {
      if (typeof booking !== 'string' || booking === '' || type === '') {
        ctx.addIssue({
          code: 'custom',
          path: [type],
          message: `the booking type of '${type.slice(0, 45)}' must be a non-empty text`,
        });
        return z.NEVER;
      }
      result[type] = booking;
    }
    if (Object.keys(result).length === 0) {
      ctx.addIssue({ code: 'custom', message: 'must map at least one activity type (or *)' });
      return z.NEVER;
    }
    return result;
  });

export const essmSyncSchema = baseSchema
  .extend({
    PORT: z.coerce.number().int().min(1).max(65535).default(3005),
    /** TermTime's API root (`https://host/v1/api`). */
    TERMTIME_URL: z.url(),
    /** The 20-character API key of TermTime's `api` user. */
    TERMTIME_API_KEY: z.string().min(1),
    /** The campus (code or name) Booker's buildings go under. */
    TERMTIME_CAMPUS: z.string().min(1).max(45),
    /** The floor of a room Booker gives none for (created in the building when missing). */
    TERMTIME_DEFAULT_FLOOR: z.string().min(1).max(45).default('Ground Floor'),
    /** The department code new rooms get. */
    TERMTIME_DEFAULT_DEPARTMENT: z.string().min(1).max(255),
    /** The activity type code Booker's room capacity is written under. */
    TERMTIME_CAPACITY_TYPE: z.string().min(1).max(5),
    TERMTIME_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(60_000),
    /** Booker's root (`https://booker.example.ac.uk`). */
    BOOKER_URL: z.url(),
    BOOKER_USERNAME: z.string().min(1),
    BOOKER_PASSWORD: z.string().min(1),
    BOOKER_PAGE_SIZE: z.coerce.number().int().min(1).max(500).default(500),
    BOOKER_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(30_000),
    EVENTS_WINDOW_START: windowBound,
    EVENTS_WINDOW_END: windowBound,
    EVENTS_BOOKING_TYPES: bookingTypes,
    /** Events in one room at the same times become one booking naming all of them. */
    EVENTS_MERGE_SHARED_ROOMS: booleanFromEnv(false),
    /** Largest share of our bookings one run may cancel. */
    EVENTS_MAX_CANCEL_RATIO: z.coerce.number().min(0).max(1).default(0.05),
    /** Largest number of cancellations in one run, when set. */
    EVENTS_MAX_CANCELLATIONS: z.coerce.number().int().min(0).optional(),
    /**
     * Largest share of the bookings in play (called for, or cancelled) one run may create, update
     * or cancel. A term's first sync creates everything: it is refused, and an operator approves it.
     */
    EVENTS_MAX_CHANGE_RATIO: z.coerce.number().min(0).max(1).default(0.25),
    /** Booker writes in flight at once. */
    EVENTS_APPLY_CONCURRENCY: z.coerce.number().int().min(1).max(32).default(8),
    /** Largest number of rooms one `sync-rooms` may mark for deletion. */
    ROOMS_MAX_DELETE: z.coerce.number().int().min(0).default(10),
    /** Oldest refused run an operator may approve, in hours. */
    ESSM_APPROVAL_MAX_AGE_HOURS: z.coerce.number().int().min(1).max(720).default(24),
    /** Who hears about refused and failed runs and new conflicts: one address or a comma-separated list. */
    OPS_EMAIL: emailList({ required: true }),
  })
  .superRefine((config, ctx) => {
    checkBaseRules(config, ctx);
    const { EVENTS_WINDOW_START: start, EVENTS_WINDOW_END: end } = config;
    if (DATE.test(start) && DATE.test(end) && end < start) {
      ctx.addIssue({ code: 'custom', path: ['EVENTS_WINDOW_END'], message: 'is before EVENTS_WINDOW_START' });
    }
  });

export type EssmSyncConfig = z.infer<typeof essmSyncSchema>;

/** What the schema reads (every setting's name): the YAML loader refuses any other key. */
export const ESSM_SETTINGS: readonly string[] = Object.keys(essmSyncSchema.shape);

export const ESSM_CONFIG = Symbol('ESSM_SYNC_CONFIG');

export function loadEssmSyncConfig(env: Record<string, unknown> = process.env): EssmSyncConfig {
  return loadConfig(essmSyncSchema, env as NodeJS.ProcessEnv);
}
