import { describe, expect, it } from '@jest/globals';
import { ConfigError } from '@app/config';
import { loadLookupGitLabSyncConfig } from './config.js';

const valid = {
  JOB_TOKEN: 'a-job-token-of-16-chars-or-more',
  GITLAB_URL: 'https://gitlab.example.ac.uk',
  GITLAB_TOKEN: 'glpat-secret-value',
  LOOKUP_URL: 'https://www.lookup.cam.ac.uk/api/v1',
  LOOKUP_USERNAME: 'sync',
  LOOKUP_PASSWORD: 'lookup-secret-value',
  OPS_EMAIL: 'gitlab-ops@example.ac.uk',
};

function problems(env: Record<string, string | undefined>): string[] {
  try {
    loadLookupGitLabSyncConfig({ ...valid, ...env });
    return [];
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return error.problems.map((p) => `${p.variable}: ${p.message}`);
  }
}

/** One problem about `variable` (the wording of the rule is @app/config's). */
function named(variable: string): unknown {
  return expect.stringMatching(new RegExp(`^${variable}: \\S`));
}

describe('lookup-gitlab-sync config', () => {
  it('applies the defaults', () => {
    const config = loadLookupGitLabSyncConfig(valid);
    expect(config.SYNC_MAX_CHANGES).toBeUndefined();
    expect(config).toMatchObject({
      PORT: 3004,
      GITLAB_IDENTITY_PROVIDER: 'saml',
      LOOKUP_AUTH: 'basic',
      LOOKUP_BATCH_SIZE: 200,
      SYNC_MAX_CHANGE_RATIO: 0.05,
      SYNC_EXTERNAL_INACTIVE_MONTHS: 24,
      SYNC_APPLY_CONCURRENCY: 4,
      SYNC_LOOKUP_CONCURRENCY: 4,
      SYNC_MIN_USERS_READ_RATIO: 0.5,
      SYNC_MAX_CONSECUTIVE_REFUSALS: 10,
      SYNC_APPROVAL_MAX_AGE_HOURS: 24,
      SYNC_NOTIFY_ON_CHANGE: false,
      OPS_EMAIL: ['gitlab-ops@example.ac.uk'],
      JOBS_FORCE_DRY_RUN: false,
    });
  });

  it.each<[string, Record<string, string | undefined>, unknown[]]>([
    ['a complete basic setup', {}, []],
    [
      'basic without username and password',
      { LOOKUP_USERNAME: undefined, LOOKUP_PASSWORD: '' },
      [
        'LOOKUP_USERNAME: is required when LOOKUP_AUTH=basic',
        'LOOKUP_PASSWORD: is required when LOOKUP_AUTH=basic',
      ],
    ],
    [
      'oauth2 without token URL, client id and secret',
      { LOOKUP_AUTH: 'oauth2' },
      [
        'LOOKUP_TOKEN_URL: is required when LOOKUP_AUTH=oauth2',
        'LOOKUP_CLIENT_ID: is required when LOOKUP_AUTH=oauth2',
        'LOOKUP_CLIENT_SECRET: is required when LOOKUP_AUTH=oauth2',
      ],
    ],
    [
      'a complete oauth2 setup (no username needed)',
      {
        LOOKUP_AUTH: 'oauth2',
        LOOKUP_USERNAME: undefined,
        LOOKUP_PASSWORD: undefined,
        LOOKUP_TOKEN_URL: 'https://api.apps.cam.ac.uk/oauth2/v1/token',
        LOOKUP_CLIENT_ID: 'client',
        LOOKUP_CLIENT_SECRET: 'secret',
      },
      [],
    ],
    ['an unknown auth kind', { LOOKUP_AUTH: 'kerberos' }, [named('LOOKUP_AUTH')]],
    [
      'missing GitLab settings',
      { GITLAB_URL: undefined, GITLAB_TOKEN: undefined },
      ['GITLAB_URL: is required', 'GITLAB_TOKEN: is required'],
    ],
    ['a ratio above 1', { SYNC_MAX_CHANGE_RATIO: '1.5' }, [named('SYNC_MAX_CHANGE_RATIO')]],
    ['a negative change limit', { SYNC_MAX_CHANGES: '-1' }, [named('SYNC_MAX_CHANGES')]],
    ['a zero concurrency', { SYNC_APPLY_CONCURRENCY: '0' }, [named('SYNC_APPLY_CONCURRENCY')]],
    ['a users-read ratio above 1', { SYNC_MIN_USERS_READ_RATIO: '2' }, [named('SYNC_MIN_USERS_READ_RATIO')]],
    [
      'a zero refusal limit',
      { SYNC_MAX_CONSECUTIVE_REFUSALS: '0' },
      [named('SYNC_MAX_CONSECUTIVE_REFUSALS')],
    ],
    ['a zero approval age', { SYNC_APPROVAL_MAX_AGE_HOURS: '0' }, [named('SYNC_APPROVAL_MAX_AGE_HOURS')]],
    [
      'an approval age that is not a whole number of hours',
      { SYNC_APPROVAL_MAX_AGE_HOURS: '1.5' },
      [named('SYNC_APPROVAL_MAX_AGE_HOURS')],
    ],
    [
      'an approval age over 30 days',
      { SYNC_APPROVAL_MAX_AGE_HOURS: '721' },
      [named('SYNC_APPROVAL_MAX_AGE_HOURS')],
    ],
    ['no OPS_EMAIL', { OPS_EMAIL: undefined }, ['OPS_EMAIL: is required']],
    [
      'an OPS_EMAIL that is not an address',
      { OPS_EMAIL: 'ops, x@y.z' },
      ['OPS_EMAIL: must be email addresses'],
    ],
    [
      'a notify flag that is not a boolean',
      { SYNC_NOTIFY_ON_CHANGE: 'yes' },
      [named('SYNC_NOTIFY_ON_CHANGE')],
    ],
  ])('%s', (_name, env, expected) => {
    expect(problems(env)).toEqual(expected);
  });

  it('names variables, never their values', () => {
    const listed = problems({
      LOOKUP_AUTH: 'oauth2',
      LOOKUP_CLIENT_SECRET: 'do-not-print-me',
      GITLAB_URL: 'not a url',
    });
    expect(listed.join('\n')).not.toContain('do-not-print-me');
    expect(listed.join('\n')).not.toContain('not a url');
  });

  it('reads the safety settings', () => {
    const config = loadLookupGitLabSyncConfig({
      ...valid,
      SYNC_MIN_USERS_READ_RATIO: '0',
      SYNC_MAX_CONSECUTIVE_REFUSALS: '3',
      SYNC_APPROVAL_MAX_AGE_HOURS: '72',
    });
    expect(config).toMatchObject({
      SYNC_MIN_USERS_READ_RATIO: 0,
      SYNC_MAX_CONSECUTIVE_REFUSALS: 3,
      SYNC_APPROVAL_MAX_AGE_HOURS: 72,
    });
  });

  it('reads a list of operator addresses', () => {
    expect(
      loadLookupGitLabSyncConfig({ ...valid, OPS_EMAIL: 'a@example.org, b@example.org' }).OPS_EMAIL,
    ).toEqual(['a@example.org', 'b@example.org']);
  });
});
