import { z } from 'zod';
import { booleanFromEnv, listFromEnv } from '@app/config';
import { emailList } from '@app/identifiers';
import { IAP_JWKS_URL, type WebAuthOptions, type WebRoleRule } from './web-auth.types.js';

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);
const IAP_AUDIENCE = /^\/projects\/\d+\/(global\/backendServices\/\d+|apps\/[a-z][a-z0-9-]{4,28}[a-z0-9])$/;
const secret = z.string().min(32, 'must be at least 32 characters');

/**
 * The web sign-in settings an app adds to its schema: `baseSchema.extend(webAuthSchema.shape)`,
 * then `.superRefine(checkWebAuthRules)` beside `checkBaseRules`. Messages name the rule, never the value.
 */
export const webAuthSchema = z.object({
  AUTH_MODE: z.enum(['oidc', 'iap']).default('oidc'),
  /** The app's public URL, origin only: https, or http on a loopback address for local runs. */
  AUTH_BASE_URL: z
    .url()
    .refine((value) => isBaseUrl(value), {
      message: 'must be an https:// origin (http:// only on localhost or 127.0.0.1), without a path',
    })
    .transform((value) => new URL(value).origin)
    .optional(),
  OIDC_ISSUER_URL: z
    .url()
    .refine((value) => isSecureOrLoopback(value), { message: 'must be https:// (http:// only on localhost)' })
    .optional(),
  OIDC_CLIENT_ID: z.string().min(1).max(255).optional(),
  OIDC_CLIENT_SECRET: z.string().min(8, 'must be at least 8 characters').optional(),
  OIDC_END_SESSION: booleanFromEnv(true),
  OIDC_GROUPS_CLAIM: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_:./-]{0,99}$/, 'must be a claim name')
    .default('groups'),
  SESSION_SECRET: secret.optional(),
  /** Secrets that signed cookies before the current one: still accepted, never used to sign. */
  SESSION_PREVIOUS_SECRETS: listFromEnv().pipe(z.array(secret)),
  SESSION_COOKIE_NAME: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,40}$/, 'must be 1-40 letters, digits, _ or -')
    .default('usp_session'),
  SESSION_MAX_AGE_MINUTES: z.coerce.number().int().min(5).max(10_080).default(720),
  SESSION_IDLE_MINUTES: z.coerce.number().int().min(1).max(1_440).default(60),
  ADMIN_EMAILS: emailList(),
  ADMIN_GROUPS: listFromEnv(),
  IAP_AUDIENCE: z
    .string()
    .regex(
      IAP_AUDIENCE,
      'must be /projects/<number>/global/backendServices/<id> or /projects/<number>/apps/<id>',
    )
    .optional(),
  IAP_JWKS_URL: z.url().default(IAP_JWKS_URL),
});

export type WebAuthConfig = z.infer<typeof webAuthSchema>;

/** Rules across variables: each mode's required settings; an idle limit within the absolute one. */
export function checkWebAuthRules(config: WebAuthConfig, ctx: z.RefinementCtx): void {
  const require = (variable: keyof WebAuthConfig, why: string) => {
    if (config[variable] === undefined)
      ctx.addIssue({ code: 'custom', path: [variable], message: `is required ${why}` });
  };
  require('AUTH_BASE_URL', 'for web sign-in');
  require('SESSION_SECRET', 'for web sign-in');
  if (config.AUTH_MODE === 'oidc') {
    for (const variable of ['OIDC_ISSUER_URL', 'OIDC_CLIENT_ID', 'OIDC_CLIENT_SECRET'] as const) {
      require(variable, 'when AUTH_MODE=oidc');
    }
  } else {
    require('IAP_AUDIENCE', 'when AUTH_MODE=iap');
  }
  if (config.SESSION_IDLE_MINUTES > config.SESSION_MAX_AGE_MINUTES) {
    ctx.addIssue({
      code: 'custom',
      path: ['SESSION_IDLE_MINUTES'],
      message: 'must not exceed SESSION_MAX_AGE_MINUTES',
    });
  }
  if (
    config.SESSION_SECRET !== undefined &&
    config.SESSION_PREVIOUS_SECRETS.includes(config.SESSION_SECRET)
  ) {
    ctx.addIssue({
      code: 'custom',
      path: ['SESSION_PREVIOUS_SECRETS'],
      message: 'must not repeat SESSION_SECRET',
    });
  }
}

/** The module options from checked settings, with the app's own roles (`{ 'data-manager': { emails, groups } }`). */
export function webAuthOptionsFrom(
  config: WebAuthConfig,
  roles: Readonly<Record<string, WebRoleRule>> = {},
): WebAuthOptions {
  const missing = (variable: string) => new Error(`${variable} is required (run checkWebAuthRules)`);
  if (config.AUTH_BASE_URL === undefined) throw missing('AUTH_BASE_URL');
  if (config.SESSION_SECRET === undefined) throw missing('SESSION_SECRET');
  const options: WebAuthOptions = {
    mode: config.AUTH_MODE,
    baseUrl: config.AUTH_BASE_URL,
    sessionSecrets: [config.SESSION_SECRET, ...config.SESSION_PREVIOUS_SECRETS],
    cookieName: config.SESSION_COOKIE_NAME,
    sessionMaxAgeSeconds: config.SESSION_MAX_AGE_MINUTES * 60,
    sessionIdleSeconds: config.SESSION_IDLE_MINUTES * 60,
    groupsClaim: config.OIDC_GROUPS_CLAIM,
    administrators: { emails: config.ADMIN_EMAILS, groups: config.ADMIN_GROUPS },
    roles,
  };
  if (config.AUTH_MODE === 'oidc') {
    if (config.OIDC_ISSUER_URL === undefined) throw missing('OIDC_ISSUER_URL');
    if (config.OIDC_CLIENT_ID === undefined) throw missing('OIDC_CLIENT_ID');
    if (config.OIDC_CLIENT_SECRET === undefined) throw missing('OIDC_CLIENT_SECRET');
    options.oidc = {
      issuerUrl: config.OIDC_ISSUER_URL,
      clientId: config.OIDC_CLIENT_ID,
      clientSecret: config.OIDC_CLIENT_SECRET,
      endSession: config.OIDC_END_SESSION,
    };
  } else {
    if (config.IAP_AUDIENCE === undefined) throw missing('IAP_AUDIENCE');
    options.iap = { audience: config.IAP_AUDIENCE, jwksUrl: config.IAP_JWKS_URL };
  }
  return options;
}

/** Whether a URL may be fetched or trusted as given: https, or http on this machine (local runs, tests). */
export function isSecureOrLoopback(value: string): boolean {
  const url = new URL(value);
  return url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname));
}

function isBaseUrl(value: string): boolean {
  const url = new URL(value);
  return (
    isSecureOrLoopback(value) &&
    (url.pathname === '/' || url.pathname === '') &&
    url.search === '' &&
    url.hash === ''
  );
}
