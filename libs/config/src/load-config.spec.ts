import { describe, expect, it } from '@jest/globals';
import { z } from 'zod';
import { baseSchema, checkBaseRules, ConfigError, loadConfig } from './index.js';

const schema = baseSchema.superRefine(checkBaseRules);
const valid = { PORT: '3001', JOB_TOKEN: 'a-local-job-token-of-some-length' };

describe('loadConfig', () => {
  it('parses and applies defaults', () => {
    const config = loadConfig(schema, valid);
    expect(config.PORT).toBe(3001);
    expect(config.JOB_AUTH_MODE).toBe('token');
    expect(config.JOBS_FORCE_DRY_RUN).toBe(false);
    expect(config.JOB_ALLOWED_EMAILS).toEqual([]);
  });

  it('treats empty strings as unset', () => {
    expect(loadConfig(schema, { ...valid, LOG_LEVEL: '' }).LOG_LEVEL).toBe('info');
  });

  it('names every bad variable and never its value', () => {
    const secretLooking = 'postgres-but-not-a-url-s3cr3t';
    let error: unknown;
    try {
      loadConfig(schema, { PORT: 'eighty', DATABASE_URL: secretLooking, JOB_TOKEN: valid.JOB_TOKEN });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).toContain('PORT');
    expect(message).toContain('DATABASE_URL');
    expect(message).not.toContain(secretLooking);
    expect(message).not.toContain('eighty');
  });

  it("uses the schema's own wording for a rule", () => {
    expect(() => loadConfig(schema, { ...valid, DATABASE_URL: 'mysql://x' })).toThrow(
      /DATABASE_URL: must be a postgresql:\/\/ URL/,
    );
    expect(() => loadConfig(schema, { ...valid, JOB_TOKEN: 'short' })).toThrow(
      /JOB_TOKEN: must be at least 16 characters/,
    );
  });

  it('reports a missing required variable', () => {
    expect(() => loadConfig(schema, { JOB_TOKEN: valid.JOB_TOKEN })).toThrow(/PORT: is required/);
  });

  it.each([
    [{ JOB_AUTH_MODE: 'token', JOB_TOKEN: undefined }, /JOB_TOKEN: is required when JOB_AUTH_MODE=token/],
    [{ JOB_AUTH_MODE: 'oidc' }, /OIDC_AUDIENCE: is required when JOB_AUTH_MODE=oidc/],
    [{ JOB_AUTH_MODE: 'iam' }, /JOB_ALLOWED_EMAILS: is required when JOB_AUTH_MODE=iam/],
    [{ NODE_ENV: 'production' }, /DATABASE_URL: is required in production/],
    [
      { OPERATOR_TOKEN: 'the-same-secret-0123456789', VIEWER_TOKEN: 'the-same-secret-0123456789' },
      /VIEWER_TOKEN: must differ from JOB_TOKEN, OPERATOR_TOKEN and EXPORT_TOKEN/,
    ],
  ])('enforces cross-variable rule %#', (overrides, expected) => {
    expect(() => loadConfig(schema, { ...valid, ...overrides })).toThrow(expected);
  });

  it('parses booleans strictly', () => {
    expect(loadConfig(schema, { ...valid, JOBS_FORCE_DRY_RUN: 'TRUE' }).JOBS_FORCE_DRY_RUN).toBe(true);
    expect(() => loadConfig(schema, { ...valid, JOBS_FORCE_DRY_RUN: 'yes' })).toThrow(/JOBS_FORCE_DRY_RUN/);
  });

  it('works with any zod schema', () => {
    expect(loadConfig(z.object({ A: z.coerce.number() }), { A: '2' })).toEqual({ A: 2 });
  });

  it('checks allow-list addresses with the outbox rule, naming the variable and never the value', () => {
    const config = loadConfig(schema, {
      ...valid,
      JOB_ALLOWED_EMAILS: ' scheduler@project.iam.gserviceaccount.com , ',
      OPERATOR_EMAILS: 'a@example.org,b@example.org',
    });
    expect(config.JOB_ALLOWED_EMAILS).toEqual(['scheduler@project.iam.gserviceaccount.com']);
    expect(config.OPERATOR_EMAILS).toEqual(['a@example.org', 'b@example.org']);
    for (const bad of [
      'scheduler',
      'a@example.org b@example.org',
      'Ops <ops@example.org>',
      'a\u200b@example.org',
    ]) {
      let message = '';
      try {
        loadConfig(schema, { ...valid, JOB_ALLOWED_EMAILS: bad, OPERATOR_EMAILS: bad });
      } catch (error) {
        message = (error as ConfigError).message;
      }
      expect(message).toContain('JOB_ALLOWED_EMAILS: must be email addresses');
      expect(message).toContain('OPERATOR_EMAILS: must be email addresses');
      expect(message).not.toContain(bad);
    }
  });
});
