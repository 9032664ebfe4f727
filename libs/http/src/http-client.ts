import axios, { AxiosError, type AxiosInstance, type AxiosRequestConfig } from 'axios';

export interface HttpClientOptions {
  /** Name of the external system, used in errors and logs. */
  system: string;
  baseURL: string;
  timeoutMs?: number;
  /** Attempts in all, the first included, for retryable failures. */
  maxAttempts?: number;
  /** First backoff delay; doubles with each attempt (with jitter), capped by `maxDelayMs`. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /**
   * Longest `Retry-After` the client waits for (default 5 minutes). A server asking for more is not
   * retried early: the call fails at once with its 429/503, rather than coming back before it may.
   */
  maxRetryAfterMs?: number;
  headers?: Record<string, string>;
  /** Called before each retry; for logging (never log bodies or secrets). */
  onRetry?: (info: {
    attempt: number;
    delayMs: number;
    status?: number;
    method: string;
    url: string;
  }) => void;
}

const IDEMPOTENT = new Set(['get', 'head', 'options', 'put', 'delete']);

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

/**
 * An axios instance with a timeout on every call and retries with backoff on network errors,
 * 429 and 5xx. Non-idempotent requests (POST, PATCH) are retried only on 429 (the server said it
 * did not process the request) or when the caller marks them safe with `retryUnsafe: true`.
 */
export function createHttpClient(options: HttpClientOptions): AxiosInstance {
  const maxAttempts = options.maxAttempts ?? 4;
  const baseDelayMs = options.baseDelayMs ?? 200;
  const maxDelayMs = options.maxDelayMs ?? 30_000;
  const client = axios.create({
    baseURL: options.baseURL,
    timeout: options.timeoutMs ?? 15_000,
    headers: options.headers,
  });
  client.interceptors.response.use(undefined, async (error: unknown) => {
    if (!(error instanceof AxiosError) || error.config === undefined) throw error;
    const config = error.config as AxiosRequestConfig & { attempt?: number; retryUnsafe?: boolean };
    const attempt = config.attempt ?? 1;
    const status = error.response?.status;
    const method = (config.method ?? 'get').toLowerCase();
    const safeToRepeat = IDEMPOTENT.has(method) || config.retryUnsafe === true || status === 429;
    const retryable =
      status === undefined ? error.code !== AxiosError.ERR_CANCELED : isRetryableStatus(status);
    if (!retryable || !safeToRepeat || attempt >= maxAttempts) throw error;
    const header = error.response?.headers['retry-after'] as string | undefined;
    const delayMs = retryDelayMs(
      attempt,
      header,
      baseDelayMs,
      maxDelayMs,
      Date.now(),
      options.maxRetryAfterMs,
    );
    if (delayMs === null) throw error;
    options.onRetry?.({ attempt, delayMs, status, method, url: config.url ?? '' });
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    config.attempt = attempt + 1;
    return client.request(config);
  });
  return client;
}

declare module 'axios' {
  interface AxiosRequestConfig {
    /** Set on a POST/PATCH that is safe to repeat (for example, one that is idempotent by design). */
    retryUnsafe?: boolean;
    attempt?: number;
  }
}
