import { describe, expect, it } from '@jest/globals';
import { ConfigError } from '@app/config';
import { loadCufsApiConfig } from './config.js';

const valid = {
  JOB_TOKEN: 'a-job-token-of-16-chars-or-more',
  CUFS_URL: 'https://cufs.example.ac.uk',
  CUFS_CLIENT_ID: 'cufs-api',
  CUFS_CLIENT_SECRET: 'cufs-secret-value',
  FINANCE_PO_SUPPLIER: 'University Information Services',
};

function problems(env: Record<string, string | undefined>): string[] {
  try {
    loadCufsApiConfig({ ...valid, ...env });
    return [];
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return error.problems.map((p) => `${p.variable}: ${p.message}`);
  }
}

describe('cufs-api config', () => {
  it('applies the defaults', () => {
    const config = loadCufsApiConfig(valid);
    expect(config).toMatchObject({
      PORT: 3003,
      CUFS_AUTH: 'oauth2',
      CUFS_TIMEOUT_MS: 3000,
      CUFS_CACHE_TTL: 300,
      CUFS_NEGATIVE_CACHE_TTL: 30,
      FINANCE_ALLOWED_TRANSACTION_CATEGORIES: ['E', 'F'],
    });
    expect(config.FINANCE_ALLOWED_FUNDS_CATEGORIES).not.toContain('0');
    expect(config.FINANCE_ALLOWED_FUNDS_CATEGORIES).toEqual(expect.arrayContaining(['A', 'G', 'M', '1']));
  });

  it('reads category lists in any case and spacing', () => {
    const config = loadCufsApiConfig({ ...valid, FINANCE_ALLOWED_TRANSACTION_CATEGORIES: ' e, f ,a' });
    expect(config.FINANCE_ALLOWED_TRANSACTION_CATEGORIES).toEqual(['E', 'F', 'A']);
  });

  it.each([
    [{ CUFS_URL: 'not a url' }, 'CUFS_URL'],
    [{ CUFS_CLIENT_SECRET: undefined }, 'CUFS_CLIENT_SECRET'],
    [{ CUFS_AUTH: 'basic' }, 'CUFS_USERNAME'],
    [{ CUFS_AUTH: 'basic', CUFS_USERNAME: 'u' }, 'CUFS_PASSWORD'],
    [{ CUFS_AUTH: 'kerberos' }, 'CUFS_AUTH'],
    [{ FINANCE_PO_SUPPLIER: ' ' }, 'FINANCE_PO_SUPPLIER'],
    [{ FINANCE_ALLOWED_TRANSACTION_CATEGORIES: 'EF' }, 'FINANCE_ALLOWED_TRANSACTION_CATEGORIES'],
    [{ FINANCE_ALLOWED_FUNDS_CATEGORIES: ',' }, 'FINANCE_ALLOWED_FUNDS_CATEGORIES'],
    [{ CUFS_CACHE_TTL: '10', CUFS_NEGATIVE_CACHE_TTL: '60' }, 'CUFS_NEGATIVE_CACHE_TTL'],
    [{ CUFS_TIMEOUT_MS: '0' }, 'CUFS_TIMEOUT_MS'],
  ])('%j is refused, naming %s and never the value', (env, variable) => {
    const found = problems(env);
    expect(found).toContainEqual(expect.stringMatching(new RegExp(`^${variable}: \\S`)));
    expect(found.join(' ')).not.toContain('cufs-secret-value');
  });
});
