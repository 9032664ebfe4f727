import { z } from 'zod';
import { baseSchema, checkBaseRules, loadConfig } from '@app/config';
import { emailAddress } from '@app/identifiers';

export const covidPoolSchema = baseSchema
  .extend({
    PORT: z.coerce.number().int().min(1).max(65535).default(3001),
    SHEETS_SOURCE: z.enum(['google', 'files']).default('files'),
    /** Base URL of the Sheets API; unset means Google's. The simulator in local runs and tests. */
    SHEETS_API_URL: z.url().optional(),
    SHEETS_DIR: z.string().default('data/sheets'),
    COVID_POOL_MAX_POOL_SIZE: z.coerce.number().int().min(1).max(1000).default(10),
    /** Who hears about a College's sheet when it has no valid contact: one address, as the outbox accepts it. */
    COVID_POOL_FALLBACK_CONTACT: emailAddress.optional(),
    COVID_POOL_IMPORT_CONCURRENCY: z.coerce.number().int().min(1).max(32).default(4),
    /** JSON file of Colleges inserted at start when missing (local runs). */
    COVID_POOL_SEED_FILE: z.string().optional(),
  })
  .superRefine(checkBaseRules);

export type CovidPoolConfig = z.infer<typeof covidPoolSchema>;

export const COVID_POOL_CONFIG = Symbol('COVID_POOL_CONFIG');

export function loadCovidPoolConfig(env: NodeJS.ProcessEnv = process.env): CovidPoolConfig {
  return loadConfig(covidPoolSchema, env);
}
