import { emailList } from '@app/identifiers';
import { z } from 'zod';
import { booleanFromEnv } from './load-config.js';

/**
 * Settings every app shares: HTTP, database, job auth, email. An app extends this with its own.
 * `DATABASE_URL` unset means "run the embedded database" (local runs only).
 */
export const baseSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  PORT: z.coerce.number().int().min(1).max(65535),
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgresql:// URL')
    .optional(),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(5),
  DATABASE_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).default(5000),
  /** Log in as the runtime's service account (Cloud SQL IAM user) with an access token as password. */
  DATABASE_IAM_AUTH: booleanFromEnv(false),
  EMBEDDED_DATA_DIR: z.string().default('.data/pglite'),
  JOB_AUTH_MODE: z.enum(['token', 'oidc', 'iam']).default('token'),
  JOB_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  /** Callers (service accounts) allowed to run jobs in `oidc` and `iam` modes: comma-separated addresses. */
  JOB_ALLOWED_EMAILS: emailList(),
  OPERATOR_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  OPERATOR_EMAILS: emailList(),
  /** The export role (an export puller: reads the export, nothing else): token mode, then oidc/iam. */
  EXPORT_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  EXPORT_ALLOWED_EMAILS: emailList(),
  /** The viewer role (reads operator views, changes nothing): token mode, then oidc/iam. */
  VIEWER_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  VIEWER_EMAILS: emailList(),
  OIDC_AUDIENCE: z.string().optional(),
  OIDC_JWKS_URL: z.url().default('https://www.googleapis.com/oauth2/v3/certs'),
  JOBS_FORCE_DRY_RUN: booleanFromEnv(false),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL')
    .optional(),
  MAIL_FROM: z.string().default('University Services Platform <no-reply@localhost>'),
  /** Google Cloud project, to link log lines to Cloud Trace. */
  GOOGLE_CLOUD_PROJECT: z.string().optional(),
});

export type BaseConfig = z.infer<typeof baseSchema>;

/**
 * Rules that span several variables; apps call it from `.superRefine` on their schema so that
 * a token-mode deployment without a token, or an OIDC one without an audience, never boots.
 */
export function checkBaseRules(config: BaseConfig, ctx: z.RefinementCtx): void {
  const require = (variable: keyof BaseConfig, why: string) => {
    const value = config[variable];
    if (value === undefined || (Array.isArray(value) && value.length === 0)) {
      ctx.addIssue({ code: 'custom', path: [variable], message: `is required ${why}` });
    }
  };
  switch (config.JOB_AUTH_MODE) {
    case 'token':
      require('JOB_TOKEN', 'when JOB_AUTH_MODE=token');
      break;
    case 'oidc':
      require('OIDC_AUDIENCE', 'when JOB_AUTH_MODE=oidc');
      require('JOB_ALLOWED_EMAILS', 'when JOB_AUTH_MODE=oidc');
      break;
    case 'iam':
      require('JOB_ALLOWED_EMAILS', 'when JOB_AUTH_MODE=iam');
      break;
  }
  if (
    config.EXPORT_TOKEN !== undefined &&
    (config.EXPORT_TOKEN === config.JOB_TOKEN || config.EXPORT_TOKEN === config.OPERATOR_TOKEN)
  ) {
    ctx.addIssue({
      code: 'custom',
      path: ['EXPORT_TOKEN'],
      message: 'must differ from JOB_TOKEN and OPERATOR_TOKEN',
    });
  }
  if (
    config.VIEWER_TOKEN !== undefined &&
    [config.JOB_TOKEN, config.OPERATOR_TOKEN, config.EXPORT_TOKEN].includes(config.VIEWER_TOKEN)
  ) {
    ctx.addIssue({
      code: 'custom',
      path: ['VIEWER_TOKEN'],
      message: 'must differ from JOB_TOKEN, OPERATOR_TOKEN and EXPORT_TOKEN',
    });
  }
  if (config.NODE_ENV === 'production' && config.DATABASE_URL === undefined) {
    ctx.addIssue({ code: 'custom', path: ['DATABASE_URL'], message: 'is required in production' });
  }
}
