/** Statuses worth another attempt: too many requests, and the server errors that are usually passing. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status === 502 || status === 503 || status === 504 || status === 500;
}

/**
 * Delay before the next attempt: the server's `Retry-After` (seconds or HTTP date) when it sent one,
 * else exponential backoff with jitter capped by `maxDelayMs`. Returns null when `Retry-After` asks
 * for longer than `maxRetryAfterMs`: retrying sooner would not honour it.
 */
export function retryDelayMs(
  attempt: number,
  retryAfter: string | undefined,
  baseDelayMs: number,
  maxDelayMs: number,
  now = Date.now(),
  maxRetryAfterMs = 300_000,
): number | null {
  if (retryAfter !== undefined) {
    const seconds = Number(retryAfter);
    let wait: number | undefined;
    if (retryAfter.trim() !== '' && Number.isFinite(seconds) && seconds >= 0) wait = seconds * 1000;
    else if (!Number.isNaN(Date.parse(retryAfter))) wait = Math.max(0, Date.parse(retryAfter) - now);
    if (wait !== undefined) return wait > maxRetryAfterMs ? null : wait;
  }
  const exponential = baseDelayMs * 2 ** (attempt - 1);
  return Math.min(exponential / 2 + Math.random() * (exponential / 2), maxDelayMs);
}
