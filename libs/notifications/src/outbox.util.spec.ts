import { describe, expect, it } from '@jest/globals';
import { resolveNotificationOptions } from './notifications.options.js';
import {
  describeOutboxResult,
  describeSendError,
  isPlausibleEmail,
  isServerWideFailure,
  normalizeMessage,
  retryDelayAfter,
} from './outbox.util.js';

describe('isPlausibleEmail', () => {
  it.each([
    ['alice@example.org', true],
    ['first.last+tag@dept.example.ac.uk', true],
    ["o'brien@example.org", true],
    ['', false],
    ['alice', false],
    ['alice@', false],
    ['@example.org', false],
    ['alice@localhost', false],
    ['alice@example.', false],
    ['alice@.example.org', false],
    ['alice@@example.org', false],
    ['alice smith@example.org', false],
    ['Alice <alice@example.org>', false],
    ['alice@example.org, bob@example.org', false],
    ['alice@example.org\nbcc@example.org', false],
    ['ali\u0000ce@example.org', false],
    ['alice@exa\u0007mple.org', false],
    [`${'a'.repeat(250)}@example.org`, false],
  ])('%j -> %s', (address, expected) => {
    expect(isPlausibleEmail(address)).toBe(expected);
  });
});

describe('normalizeMessage', () => {
  it('trims addresses and folds the subject onto one line', () => {
    expect(normalizeMessage({ to: [' a@example.org '], subject: 'Two\r\n  lines ', text: 'body\n' })).toEqual(
      {
        to: ['a@example.org'],
        subject: 'Two lines',
        text: 'body\n',
        dedupeKey: null,
      },
    );
  });

  it('refuses an empty dedupe key', () => {
    expect(() => normalizeMessage({ to: ['a@example.org'], subject: 's', text: '', dedupeKey: ' ' })).toThrow(
      /dedupeKey/,
    );
  });
});

describe('retryDelayAfter', () => {
  const base = 60_000;
  const max = 6 * 3600_000;
  it.each([
    [1, 0, 60_000],
    [1, 1, 66_000],
    [2, 0, 120_000],
    [3, 0.5, 252_000],
    [8, 0, 7_680_000],
    [9, 0, 15_360_000],
    [10, 0, max],
    [40, 1, max],
  ])('after attempt %d with jitter %d waits %d ms', (attempts, random, expected) => {
    expect(retryDelayAfter(attempts, base, max, random)).toBe(expected);
  });
});

describe('describeSendError', () => {
  it.each([
    [
      Object.assign(new Error('Mailbox unavailable'), { code: 'EENVELOPE', responseCode: 550 }),
      undefined,
      'EENVELOPE 550: Mailbox unavailable',
    ],
    [
      Object.assign(new Error('Invalid login: 535 for user mailuser'), { code: 'EAUTH' }),
      'smtp://mailuser:p%40ss-w0rd@mail.example.org:587',
      'EAUTH: Invalid login: 535 for user ***',
    ],
    [
      new Error('cannot reach smtps://u:secret@host:465\n  now'),
      undefined,
      'cannot reach smtps://***@host:465 now',
    ],
    ['plain string', undefined, 'plain string'],
  ])('%s', (error, url, expected) => {
    expect(describeSendError(error, url)).toBe(expected);
  });

  it('never repeats the password of the SMTP URL and keeps the text short', () => {
    const text = describeSendError(
      new Error(`rejected p@ss-w0rd ${'x'.repeat(1000)}`),
      'smtp://u:p%40ss-w0rd@h',
    );
    expect(text).not.toContain('p@ss-w0rd');
    expect(text.length).toBeLessThanOrEqual(500);
  });
});

describe('isServerWideFailure', () => {
  const smtpError = (code: string | undefined, responseCode?: number) =>
    Object.assign(new Error('x'), { code, responseCode });
  it.each([
    [smtpError('ECONNECTION'), true],
    [smtpError('ETIMEDOUT'), true],
    [smtpError('EAUTH', 535), true],
    [smtpError('EABORT'), true],
    [smtpError('EENVELOPE', 421), true],
    [smtpError(undefined), true],
    [smtpError('EENVELOPE', 550), false],
    [smtpError('EMESSAGE', 554), false],
    [smtpError('EENVELOPE'), false],
    [smtpError(undefined, 452), false],
  ])('%o -> %s', (error, expected) => {
    expect(isServerWideFailure(error)).toBe(expected);
  });
});

describe('describeOutboxResult', () => {
  it.each([
    [
      {
        sent: 1,
        failed: 1,
        dead: 0,
        pending: 5,
        stoppedEarly: 'the SMTP server could not be used (ECONNECTION)',
      },
      'Emails: 1 sent, 1 failed (will retry), 0 dead; 5 pending; stopped early: the SMTP server could not be used (ECONNECTION)',
    ],
    [{ sent: 3, failed: 1, dead: 0, pending: 2 }, 'Emails: 3 sent, 1 failed (will retry), 0 dead; 2 pending'],
    [
      { sent: 0, failed: 0, dead: 0, pending: 4, skipped: 'no-smtp' as const },
      'No SMTP server configured: nothing sent; 4 email(s) wait in the outbox',
    ],
  ])('%j', (result, expected) => {
    expect(describeOutboxResult(result)).toBe(expected);
  });
});

describe('resolveNotificationOptions', () => {
  const valid = { app: 'covid-pool', from: 'noreply@example.org' };
  it('applies the defaults and treats an empty smtpUrl as unset', () => {
    expect(resolveNotificationOptions({ ...valid, smtpUrl: '' })).toEqual({
      ...valid,
      smtpUrl: undefined,
      maxAttempts: 8,
      baseRetryDelayMs: 60_000,
      maxRetryDelayMs: 21_600_000,
      sendTimeoutMs: 30_000,
    });
  });

  it.each([
    [{ app: '' }, /`app`/],
    [{ from: ' ' }, /`from`/],
    [{ smtpUrl: 'http://user:hunter22@mail' }, /`smtpUrl` must be an smtp/],
    [{ maxAttempts: 0 }, /`maxAttempts` must be a positive integer/],
    [{ sendTimeoutMs: 1.5 }, /`sendTimeoutMs`/],
  ])('refuses %j, naming the option but not its value', (override, error) => {
    expect(() => resolveNotificationOptions({ ...valid, ...override })).toThrow(error);
    expect(() => resolveNotificationOptions({ ...valid, ...override })).not.toThrow(/hunter22/);
  });
});
