import { z } from 'zod';
import { baseSchema, checkBaseRules, loadConfig } from '@app/config';

/** Comma-separated first characters of CUFS codes (`E,F`): each one character, letter or digit. */
function categoryList(fallback: string) {
  return z
    .string()
    .default(fallback)
    .transform((text) =>
      text
        .split(',')
        .map((item) => item.trim().toUpperCase())
        .filter((item) => item !== ''),
    )
    .superRefine((categories, ctx) => {
      if (categories.length === 0)
        ctx.addIssue({ code: 'custom', message: 'must name at least one category' });
      else if (!categories.every((category) => /^[A-Z0-9]$/.test(category)))
        ctx.addIssue({
          code: 'custom',
          message: 'each category must be one letter or digit, comma-separated',
        });
    });
}

/** Every source-of-funds category (first character) but `0`, the balance sheet. */
const ALL_FUNDS_CATEGORIES_BUT_BALANCE_SHEET = [...'123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ'].join(',');

export const cufsApiSchema = baseSchema
  .extend({
    PORT: z.coerce.number().int().min(1).max(65535).default(3003),
    /** CUFS's server root (`https://cufs.example.ac.uk`); the client adds `/api/v1/...` and `/oauth/token`. */
    CUFS_URL: z.url(),
    CUFS_AUTH: z.enum(['basic', 'oauth2']).default('oauth2'),
    CUFS_USERNAME: z.string().optional(),
    CUFS_PASSWORD: z.string().optional(),
    CUFS_CLIENT_ID: z.string().optional(),
    CUFS_CLIENT_SECRET: z.string().optional(),
    /** One CUFS request's time; a check's reads share a deadline of three of these. */
    CUFS_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(3000),
    /** Seconds a CUFS record that exists is reused: a change in CUFS shows within this time. */
    CUFS_CACHE_TTL: z.coerce.number().int().min(0).max(86_400).default(300),
    /** Seconds a "does not exist" answer is reused (shorter: a new code should work soon). */
    CUFS_NEGATIVE_CACHE_TTL: z.coerce.number().int().min(0).max(86_400).default(30),
    /** Most CUFS records kept in the cache; the oldest go first. */
    CUFS_CACHE_MAX_ENTRIES: z.coerce.number().int().min(1).max(1_000_000).default(10_000),
    FINANCE_ALLOWED_TRANSACTION_CATEGORIES: categoryList('E,F'),
    FINANCE_ALLOWED_FUNDS_CATEGORIES: categoryList(ALL_FUNDS_CATEGORIES_BUT_BALANCE_SHEET),
    /** The supplier purchase orders must be made out to (the storage service), as CUFS spells it. */
    FINANCE_PO_SUPPLIER: z.string().trim().min(1, 'must name the supplier'),
  })
  .superRefine((config, ctx) => {
    checkBaseRules(config, ctx);
    const require = (variable: keyof typeof config, why: string) => {
      const value = config[variable];
      if (value === undefined || value === '') {
        ctx.addIssue({ code: 'custom', path: [variable], message: `is required ${why}` });
      }
    };
    switch (config.CUFS_AUTH) {
      case 'basic':
        require('CUFS_USERNAME', 'when CUFS_AUTH=basic');
        require('CUFS_PASSWORD', 'when CUFS_AUTH=basic');
        break;
      case 'oauth2':
        require('CUFS_CLIENT_ID', 'when CUFS_AUTH=oauth2');
        require('CUFS_CLIENT_SECRET', 'when CUFS_AUTH=oauth2');
        break;
    }
    if (config.CUFS_NEGATIVE_CACHE_TTL > config.CUFS_CACHE_TTL) {
      ctx.addIssue({
        code: 'custom',
        path: ['CUFS_NEGATIVE_CACHE_TTL'],
        message: 'must not be longer than CUFS_CACHE_TTL',
      });
    }
  });

export type CufsApiConfig = z.infer<typeof cufsApiSchema>;

export const CUFS_API_CONFIG = Symbol('CUFS_API_CONFIG');

export function loadCufsApiConfig(env: NodeJS.ProcessEnv = process.env): CufsApiConfig {
  return loadConfig(cufsApiSchema, env);
}
