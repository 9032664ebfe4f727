import { z } from 'zod';
import { baseSchema, booleanFromEnv, checkBaseRules, loadConfig } from '@app/config';
import { emailList } from '@app/identifiers';

export const lookupGitLabSyncSchema = baseSchema
  .extend({
    PORT: z.coerce.number().int().min(1).max(65535).default(3004),
    /** The GitLab instance URL (`https://gitlab.example.ac.uk`), not its API path. */
    GITLAB_URL: z.url(),
    /** An administrator's (or admin service account's) token: reads every user, blocks and unblocks. */
    GITLAB_TOKEN: z.string().min(1),
    /** The identity provider whose `extern_uid` holds the CRSid. */
    GITLAB_IDENTITY_PROVIDER: z.string().min(1).default('saml'),
    /** Lookup's API root with its version path, e.g. `https://www.lookup.cam.ac.uk/api/v1`. */
    LOOKUP_URL: z.url(),
    LOOKUP_AUTH: z.enum(['basic', 'oauth2']).default('basic'),
    LOOKUP_USERNAME: z.string().optional(),
    LOOKUP_PASSWORD: z.string().optional(),
    LOOKUP_TOKEN_URL: z.url().optional(),
    LOOKUP_CLIENT_ID: z.string().optional(),
    LOOKUP_CLIENT_SECRET: z.string().optional(),
    /** CRSids per Lookup call (lowered, if need be, so the URL stays under 2,000 characters). */
    LOOKUP_BATCH_SIZE: z.coerce.number().int().min(1).max(1000).default(200),
    /** Largest share of the considered users one run may block or unblock. */
    SYNC_MAX_CHANGE_RATIO: z.coerce.number().min(0).max(1).default(0.05),
    /** Largest number of blocks and unblocks in one run, when set. */
    SYNC_MAX_CHANGES: z.coerce.number().int().min(0).optional(),
    SYNC_EXTERNAL_INACTIVE_MONTHS: z.coerce.number().int().min(1).max(600).default(24),
    /** Block/unblock calls in flight at once. */
    SYNC_APPLY_CONCURRENCY: z.coerce.number().int().min(1).max(32).default(4),
    /** Lookup calls in flight at once while GitLab is being paged. */
    SYNC_LOOKUP_CONCURRENCY: z.coerce.number().int().min(1).max(16).default(4),
    /**
     * A run that reads fewer GitLab users than this share of the last successful run's is refused
     * (a truncated or empty read); 0 turns the check off.
     */
    SYNC_MIN_USERS_READ_RATIO: z.coerce.number().min(0).max(1).default(0.5),
    /** GitLab refusals in a row (403, 404...) after which a run stops: a cause common to every user. */
    SYNC_MAX_CONSECUTIVE_REFUSALS: z.coerce.number().int().min(1).max(10_000).default(10),
    /** Oldest refused run an operator may approve, in hours: an older plan is stale. */
    SYNC_APPROVAL_MAX_AGE_HOURS: z.coerce.number().int().min(1).max(720).default(24),
    SYNC_NOTIFY_ON_CHANGE: booleanFromEnv(false),
    /** Who hears about refused and failed runs: one address or a comma-separated list. */
    OPS_EMAIL: emailList({ required: true }),
  })
  .superRefine((config, ctx) => {
    checkBaseRules(config, ctx);
    const require = (variable: keyof typeof config, why: string) => {
      const value = config[variable];
      if (value === undefined || value === '') {
        ctx.addIssue({ code: 'custom', path: [variable], message: `is required ${why}` });
      }
    };
    switch (config.LOOKUP_AUTH) {
      case 'basic':
        require('LOOKUP_USERNAME', 'when LOOKUP_AUTH=basic');
        require('LOOKUP_PASSWORD', 'when LOOKUP_AUTH=basic');
        break;
      case 'oauth2':
        require('LOOKUP_TOKEN_URL', 'when LOOKUP_AUTH=oauth2');
        require('LOOKUP_CLIENT_ID', 'when LOOKUP_AUTH=oauth2');
        require('LOOKUP_CLIENT_SECRET', 'when LOOKUP_AUTH=oauth2');
        break;
    }
  });

export type LookupGitLabSyncConfig = z.infer<typeof lookupGitLabSyncSchema>;

export const SYNC_CONFIG = Symbol('LOOKUP_GITLAB_SYNC_CONFIG');

export function loadLookupGitLabSyncConfig(env: NodeJS.ProcessEnv = process.env): LookupGitLabSyncConfig {
  return loadConfig(lookupGitLabSyncSchema, env);
}
