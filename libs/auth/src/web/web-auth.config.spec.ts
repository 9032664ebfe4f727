import { describe, expect, it } from '@jest/globals';
import { baseSchema, checkBaseRules, ConfigError, loadConfig } from '@app/config';
import { checkWebAuthRules, webAuthOptionsFrom, webAuthSchema } from './web-auth.config.js';

/** How an app combines them: the shared settings, the web sign-in ones, both sets of rules. */
const schema = baseSchema.extend(webAuthSchema.shape).superRefine((config, ctx) => {
  checkBaseRules(config, ctx);
  checkWebAuthRules(config, ctx);
});
const SESSION_SECRET = 'a-session-secret-of-32-characters-or-more';
const CLIENT_SECRET = 'client-secret-value';
const oidc = {
  PORT: '3002',
  JOB_TOKEN: 'a-local-job-token-of-some-length',
  AUTH_BASE_URL: 'https://storage.uni.example.ac.uk',
  OIDC_ISSUER_URL: 'https://login.uni.example.ac.uk',
  OIDC_CLIENT_ID: 'storage-gateway',
  OIDC_CLIENT_SECRET: CLIENT_SECRET,
  SESSION_SECRET,
};

function problems(env: Record<string, string | undefined>): string {
  try {
    loadConfig(schema, env);
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  return '';
}

describe('web sign-in settings', () => {
  it('makes the module options, with defaults and the app’s roles', () => {
    const config = loadConfig(schema, {
      ...oidc,
      AUTH_BASE_URL: 'https://storage.uni.example.ac.uk/',
      SESSION_PREVIOUS_SECRETS: 'an-older-secret-of-32-characters-or-more',
      ADMIN_EMAILS: 'boss@uni.example.ac.uk',
      ADMIN_GROUPS: 'storage-admins, uis-admins',
    });
    expect(webAuthOptionsFrom(config, { 'data-manager': { emails: [], groups: ['dm'] } })).toEqual({
      mode: 'oidc',
      baseUrl: 'https://storage.uni.example.ac.uk',
      oidc: {
        issuerUrl: 'https://login.uni.example.ac.uk',
        clientId: 'storage-gateway',
        clientSecret: CLIENT_SECRET,
        endSession: true,
      },
      sessionSecrets: [SESSION_SECRET, 'an-older-secret-of-32-characters-or-more'],
      cookieName: 'usp_session',
      sessionMaxAgeSeconds: 720 * 60,
      sessionIdleSeconds: 60 * 60,
      groupsClaim: 'groups',
      administrators: { emails: ['boss@uni.example.ac.uk'], groups: ['storage-admins', 'uis-admins'] },
      roles: { 'data-manager': { emails: [], groups: ['dm'] } },
    });
  });

  it('takes IAP mode with its audience and Google’s keys by default', () => {
    const config = loadConfig(schema, {
      PORT: '3006',
      JOB_TOKEN: oidc.JOB_TOKEN,
      AUTH_MODE: 'iap',
      AUTH_BASE_URL: 'https://ops.uni.example.ac.uk',
      IAP_AUDIENCE: '/projects/123/apps/ella-ops-prod',
      SESSION_SECRET,
    });
    expect(webAuthOptionsFrom(config).iap).toEqual({
      audience: '/projects/123/apps/ella-ops-prod',
      jwksUrl: 'https://www.gstatic.com/iap/verify/public_key-jwk',
    });
  });

  it('allows plain http only on this machine', () => {
    const local = loadConfig(schema, {
      ...oidc,
      AUTH_BASE_URL: 'http://127.0.0.1:3002',
      OIDC_ISSUER_URL: 'http://localhost:4120',
    });
    expect(webAuthOptionsFrom(local).baseUrl).toBe('http://127.0.0.1:3002');
  });

  it.each<[string, Record<string, string | undefined>, RegExp]>([
    [
      'oidc mode without its settings',
      { ...oidc, OIDC_ISSUER_URL: undefined, OIDC_CLIENT_ID: undefined, OIDC_CLIENT_SECRET: undefined },
      /OIDC_ISSUER_URL: is required when AUTH_MODE=oidc[\s\S]*OIDC_CLIENT_ID: is required[\s\S]*OIDC_CLIENT_SECRET: is required/,
    ],
    [
      'no base URL or session secret',
      { ...oidc, AUTH_BASE_URL: undefined, SESSION_SECRET: undefined },
      /AUTH_BASE_URL: is required for web sign-in[\s\S]*SESSION_SECRET: is required for web sign-in/,
    ],
    [
      'iap mode without an audience',
      { ...oidc, AUTH_MODE: 'iap' },
      /IAP_AUDIENCE: is required when AUTH_MODE=iap/,
    ],
    [
      'an audience of another shape',
      { ...oidc, AUTH_MODE: 'iap', IAP_AUDIENCE: 'my-backend' },
      /IAP_AUDIENCE: must be \/projects\/<number>\/global\/backendServices\/<id> or/,
    ],
    [
      'a short session secret',
      { ...oidc, SESSION_SECRET: 'short-secret' },
      /SESSION_SECRET: must be at least 32 characters/,
    ],
    [
      'a short previous secret',
      { ...oidc, SESSION_PREVIOUS_SECRETS: 'old-short' },
      /SESSION_PREVIOUS_SECRETS\.0: must be at least 32 characters/,
    ],
    [
      'the current secret as a previous one',
      { ...oidc, SESSION_PREVIOUS_SECRETS: SESSION_SECRET },
      /SESSION_PREVIOUS_SECRETS: must not repeat SESSION_SECRET/,
    ],
    [
      'a plain-http issuer elsewhere',
      { ...oidc, OIDC_ISSUER_URL: 'http://login.uni.example.ac.uk' },
      /OIDC_ISSUER_URL: must be https:\/\//,
    ],
    [
      'a plain-http base URL elsewhere',
      { ...oidc, AUTH_BASE_URL: 'http://storage.uni.example.ac.uk' },
      /AUTH_BASE_URL: must be an https:\/\/ origin/,
    ],
    [
      'a base URL with a path',
      { ...oidc, AUTH_BASE_URL: 'https://storage.uni.example.ac.uk/app' },
      /AUTH_BASE_URL: must be an https:\/\/ origin/,
    ],
    ['an unknown mode', { ...oidc, AUTH_MODE: 'saml' }, /AUTH_MODE: /],
    [
      'an idle limit over the absolute one',
      { ...oidc, SESSION_MAX_AGE_MINUTES: '30', SESSION_IDLE_MINUTES: '60' },
      /SESSION_IDLE_MINUTES: must not exceed SESSION_MAX_AGE_MINUTES/,
    ],
    [
      'a cookie name with a separator',
      { ...oidc, SESSION_COOKIE_NAME: 'a;b' },
      /SESSION_COOKIE_NAME: must be 1-40 letters/,
    ],
    [
      'administrators that are not addresses',
      { ...oidc, ADMIN_EMAILS: 'boss' },
      /ADMIN_EMAILS: must be email addresses/,
    ],
  ])('refuses %s, naming the variable', (_case, env, message) => {
    expect(problems(env)).toMatch(message);
  });

  it('never prints a secret it refuses', () => {
    const text = problems({ ...oidc, SESSION_SECRET: 'too-short-s3cret', OIDC_CLIENT_SECRET: 'tiny' });
    expect(text).toContain('SESSION_SECRET');
    expect(text).toContain('OIDC_CLIENT_SECRET');
    expect(text).not.toContain('too-short-s3cret');
    expect(text).not.toContain('tiny');
  });
});
