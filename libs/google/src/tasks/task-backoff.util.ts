import type { TaskRetryConfig } from './task-queue.js';

/**
 * Cloud Tasks' wait before retry number `retry` (1 for the first retry): `minBackoff` doubled
 * `maxDoublings` times, then growing by the last doubled interval each retry, capped by `maxBackoff`
 * (min 10 s, max 300 s, 3 doublings: 10, 20, 40, 80, 160, 240, 300, 300 s). A `Retry-After` the
 * handler sent with a 503 (or 429) is honoured: the wait is at least that.
 */
export function taskRetryDelayMs(
  retry: number,
  config: TaskRetryConfig,
  retryAfter?: { status: number; header: string | null; now: number },
): number {
  const step = Math.max(0, retry - 1);
  const doubled =
    step <= config.maxDoublings
      ? config.minBackoffMs * 2 ** step
      : config.minBackoffMs * 2 ** config.maxDoublings * (step - config.maxDoublings + 1);
  const backoff = Math.min(doubled, config.maxBackoffMs);
  const asked = retryAfter === undefined ? undefined : retryAfterMs(retryAfter);
  return asked === undefined ? backoff : Math.max(backoff, asked);
}

/** The wait a 503 or 429 asks for in `Retry-After` (seconds or an HTTP date), if any. */
function retryAfterMs({ status, header, now }: { status: number; header: string | null; now: number }) {
  if ((status !== 503 && status !== 429) || header === null || header.trim() === '') return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
