import { describe, expect, it } from '@jest/globals';
import { ConfigError } from '@app/config';
import { loadCovidPoolConfig } from './config.js';

const valid = { JOB_TOKEN: 'a-local-job-token-of-some-length' };

function problems(env: Record<string, string>): string[] {
  try {
    loadCovidPoolConfig({ ...valid, ...env });
    return [];
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return error.problems.map((problem) => `${problem.variable}: ${problem.message}`);
  }
}

describe('covid-pool config', () => {
  it('accepts a fallback contact the outbox will send to, trimmed', () => {
    expect(
      loadCovidPoolConfig({ ...valid, COVID_POOL_FALLBACK_CONTACT: ' covid@example.ac.uk ' }),
    ).toMatchObject({
      COVID_POOL_FALLBACK_CONTACT: 'covid@example.ac.uk',
    });
    expect(loadCovidPoolConfig(valid).COVID_POOL_FALLBACK_CONTACT).toBeUndefined();
  });

  it.each([
    'covid',
    'covid@localhost',
    'Covid <covid@example.ac.uk>',
    'a@example.ac.uk,b@example.ac.uk',
    'covid\u200b@example.ac.uk',
    '"covid"@example.ac.uk',
  ])('refuses the fallback contact %j by the outbox rule, without quoting it', (address) => {
    const listed = problems({ COVID_POOL_FALLBACK_CONTACT: address });
    expect(listed).toEqual(['COVID_POOL_FALLBACK_CONTACT: must be an email address']);
  });
});
