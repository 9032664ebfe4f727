/** CUFS could not say (unreachable, timeout, 5xx, refused our credentials): the check was not made. */
export class CufsUnavailableError extends Error {
  override readonly name = 'CufsUnavailableError';
  /** Seconds the caller should wait before asking again. */
  readonly retryAfterSeconds: number;

  constructor(retryAfterSeconds: number, options?: { cause?: unknown }) {
    super('CUFS could not be reached; the code was not checked', options);
    this.retryAfterSeconds = retryAfterSeconds;
  }
}
