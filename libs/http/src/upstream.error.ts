/** An external system answered with an error, or did not answer; `system` names which one. */
export class UpstreamError extends Error {
  constructor(
    readonly system: string,
    message: string,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(`${system}: ${message}`, options);
    this.name = 'UpstreamError';
  }
}
