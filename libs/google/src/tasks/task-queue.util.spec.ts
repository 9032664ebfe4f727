import { describe, expect, it } from '@jest/globals';
import { taskRetryDelayMs } from './task-backoff.util.js';
import { taskId } from './task-id.util.js';

describe('taskRetryDelayMs (Cloud Tasks retryConfig)', () => {
  // Cloud Tasks' documented example: min 10 s, max 300 s, 3 doublings.
  const config = { maxAttempts: 10, minBackoffMs: 10_000, maxBackoffMs: 300_000, maxDoublings: 3 };
  it.each([
    [1, 10_000],
    [2, 20_000],
    [3, 40_000],
    [4, 80_000],
    [5, 160_000],
    [6, 240_000],
    [7, 300_000],
    [8, 300_000],
  ])('retry %i waits %i ms', (retry, expected) => {
    expect(taskRetryDelayMs(retry, config)).toBe(expected);
  });

  const now = Date.parse('2026-05-01T12:00:00Z');
  it.each([
    ['503 asking for more waits that long', 503, '90', 90_000],
    ['503 asking for less keeps the backoff', 503, '1', 10_000],
    ['429 is honoured too', 429, '30', 30_000],
    ['an HTTP date is read', 503, 'Fri, 01 May 2026 12:01:00 GMT', 60_000],
    ['500 with Retry-After keeps the backoff', 500, '90', 10_000],
    ['an unreadable header keeps the backoff', 503, 'soon', 10_000],
    ['no header keeps the backoff', 503, null, 10_000],
  ])('%s', (_name, status, header, expected) => {
    expect(taskRetryDelayMs(1, config, { status, header, now })).toBe(expected);
  });
});

describe('taskId', () => {
  it('is the same for the same work and differs for other work or another job', () => {
    const id = taskId('provision', 'order-1');
    expect(taskId('provision', 'order-1')).toBe(id);
    expect(taskId('provision', 'order-2')).not.toBe(id);
    expect(taskId('send-email', 'order-1')).not.toBe(id);
    // Parts are kept apart: ('a-b', 'c') is not ('a', 'b-c').
    expect(taskId('provision', 'a-b', 'c')).not.toBe(taskId('provision', 'a', 'b-c'));
  });

  it('is a valid Cloud Tasks id led by a hash, so ids do not share a sequential prefix', () => {
    expect(taskId('provision', 'order-1')).toMatch(/^[0-9a-f]{32}-provision$/);
    expect(taskId('provision', 'a/b c?')).toMatch(/^[A-Za-z0-9_-]{1,500}$/);
  });

  it('needs a key', () => {
    expect(() => taskId('provision')).toThrow(/at least one key part/);
  });
});
