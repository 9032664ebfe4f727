import { isRetryableStatus, retryDelayMs } from './retry.util.js';

export interface HttpPolicyOptions {
  /** Name of the external system, used in errors and logs. */
  system: string;
  /** Longest one attempt (one HTTP request, with its access token) may take. Default 15 s. */
  timeoutMs?: number;
  /**
   * Longest one operation may take: every attempt and every wait between them. A retry that could
   * not start before it is not made. Default 2 minutes.
   */
  deadlineMs?: number;
  /** Attempts in all, the first included, for retryable failures. Default 4. */
  maxAttempts?: number;
  /** First backoff delay; doubles with each attempt (with jitter), capped by `maxDelayMs`. Default 200 ms. */
  baseDelayMs?: number;
  /** Default 30 s. */
  maxDelayMs?: number;
  /**
   * Longest `Retry-After` honoured (default 5 minutes, and never past the deadline). A server asking
   * for more is not retried early: the call fails at once with its 429/503.
   */
  maxRetryAfterMs?: number;
  /** How to wait between attempts (tests pass one that records the delay). */
  sleep?: (ms: number) => Promise<void>;
  /** Clock (tests). */
  now?: () => number;
}

/** How one attempt failed, as far as the retry decision needs to know. */
export interface AttemptFailure {
  /** The HTTP status, when the server answered. */
  status?: number;
  /** The `Retry-After` header of that answer (seconds or an HTTP date). */
  retryAfter?: string;
  /**
   * True when sending the request again is harmless: an idempotent method (GET, PUT, DELETE...), or a
   * POST the caller knows to be idempotent. A POST that got no answer or a 5xx may have been
   * processed, so it is repeated only when the caller says so; a 429 says it was not, so it is.
   */
  repeatable: boolean;
  /** False for a failure no retry can fix (unreadable credentials, a bug). Default true. */
  transient?: boolean;
  /** The caller cancelled the request: never retried. */
  cancelled?: boolean;
}

/** The clock of one operation: when it started and when it must be over. */
export interface OperationClock {
  readonly startedAt: number;
  readonly deadline: number;
}

export interface AttemptContext {
  /** 1 for the first attempt. */
  attempt: number;
  /** Aborted when the attempt's time is up. */
  signal: AbortSignal;
  /** Time this attempt has: the per-call timeout, cut to what is left of the operation's deadline. */
  timeoutMs: number;
}

export interface RunOptions {
  /** See `AttemptFailure.repeatable`. */
  repeatable: boolean;
  /** What an error means for the retry decision; without it only timeouts are recognised. */
  describe?: (error: unknown) => Omit<AttemptFailure, 'repeatable'>;
  /** Called before each retry (for logging: never bodies or secrets). */
  onRetry?: (info: { attempt: number; delayMs: number; status?: number }) => void;
  /** Share one deadline between several calls of one operation (see `startOperation`). */
  operation?: OperationClock;
}

/** An attempt ran out of time (`timeoutMs`, or what was left of the deadline). */
export class AttemptTimeoutError extends Error {
  constructor(
    readonly system: string,
    readonly timeoutMs: number,
  ) {
    super(`${system}: no answer within ${timeoutMs} ms`);
    this.name = 'AttemptTimeoutError';
  }
}

/**
 * The one HTTP policy behind every external client: a timeout per attempt, a deadline per
 * operation, retries with exponential backoff and jitter that honour `Retry-After` on 429/503
 * (retryable: network errors, timeouts, 429, 500, 502, 503, 504), never repeating a request that
 * may have been processed unless the caller says it is safe, and a counter of requests sent (for
 * benchmarks and run summaries). Axios clients get it through `createHttpClient`; SDK clients
 * (Google's) run each call through `run`, so the SDK still does the HTTP.
 */
export class HttpPolicy {
  /** Requests sent, retries included. */
  calls = 0;
  readonly system: string;
  readonly timeoutMs: number;
  readonly deadlineMs: number;
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  readonly maxRetryAfterMs: number;
  readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => number;

  constructor(options: HttpPolicyOptions) {
    this.system = options.system;
    this.timeoutMs = positive(options.timeoutMs, 15_000, 'timeoutMs');
    this.deadlineMs = positive(options.deadlineMs, 120_000, 'deadlineMs');
    this.maxAttempts = Math.max(1, Math.trunc(options.maxAttempts ?? 4));
    this.baseDelayMs = Math.max(0, options.baseDelayMs ?? 200);
    this.maxDelayMs = Math.max(0, options.maxDelayMs ?? 30_000);
    this.maxRetryAfterMs = Math.max(0, options.maxRetryAfterMs ?? 300_000);
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.now = options.now ?? Date.now;
  }

  /** Counts one request sent. */
  countCall(): void {
    this.calls += 1;
  }

  startOperation(): OperationClock {
    const startedAt = this.now();
    return { startedAt, deadline: startedAt + this.deadlineMs };
  }

  /** Time the next attempt has: the per-call timeout, cut to what is left of the deadline (at least 1 ms). */
  attemptTimeoutMs(operation: OperationClock, now = this.now()): number {
    return Math.max(1, Math.min(this.timeoutMs, operation.deadline - now));
  }

  /**
   * After failed attempt number `attempt` (1-based): how long to wait before the next one, or null
   * to give up (not retryable, not safe to repeat, attempts used up, a `Retry-After` longer than
   * allowed, or no time left before the deadline).
   */
  retryDelay(attempt: number, failure: AttemptFailure, operation: OperationClock): number | null {
    if (failure.cancelled === true || failure.transient === false) return null;
    if (failure.status !== undefined) {
      if (!isRetryableStatus(failure.status)) return null;
      if (!failure.repeatable && failure.status !== 429) return null;
    } else if (!failure.repeatable) {
      return null;
    }
    if (attempt >= this.maxAttempts) return null;
    const now = this.now();
    const delayMs = retryDelayMs(
      attempt,
      failure.retryAfter,
      this.baseDelayMs,
      this.maxDelayMs,
      now,
      this.maxRetryAfterMs,
    );
    if (delayMs === null || now + delayMs >= operation.deadline) return null;
    return delayMs;
  }

  /**
   * Runs one call with this policy: each attempt gets a signal and a timeout (the attempt is also
   * abandoned when its time is up even if the SDK ignores the signal, e.g. while it fetches a token);
   * failures are retried as `retryDelay` says. Rejects with the last attempt's error (an
   * `AttemptTimeoutError` for a timeout).
   */
  async run<T>(call: (context: AttemptContext) => Promise<T>, options: RunOptions): Promise<T> {
    const operation = options.operation ?? this.startOperation();
    for (let attempt = 1; ; attempt++) {
      // The first attempt of an operation started here has all of it: the clock was read just now,
      // and a millisecond ticking over since must not cut it (a one-attempt policy whose deadline is
      // its timeout got 799 of its 800 ms now and then).
      const now = attempt === 1 && options.operation === undefined ? operation.startedAt : this.now();
      const timeoutMs = this.attemptTimeoutMs(operation, now);
      try {
        this.countCall();
        return await withAttemptTimeout(this.system, timeoutMs, (signal) =>
          call({ attempt, signal, timeoutMs }),
        );
      } catch (error) {
        const described =
          error instanceof AttemptTimeoutError ? {} : (options.describe?.(error) ?? { transient: false });
        const delayMs = this.retryDelay(attempt, { ...described, repeatable: options.repeatable }, operation);
        if (delayMs === null) throw error;
        options.onRetry?.({ attempt, delayMs, status: described.status });
        await this.sleep(delayMs);
      }
    }
  }
}

/**
 * Runs `call` with a timeout: its signal is aborted and the returned promise rejects with an
 * `AttemptTimeoutError` when the time is up, even if `call` ignores the signal.
 */
export async function withAttemptTimeout<T>(
  system: string,
  timeoutMs: number,
  call: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new AttemptTimeoutError(system, timeoutMs));
    }, timeoutMs);
  });
  try {
    return await Promise.race([call(controller.signal), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0)
    throw new RangeError(`HttpPolicy: ${name} must be a positive number`);
  return value;
}
