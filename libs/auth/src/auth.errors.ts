/** The caller could not be identified (missing, malformed, forged or stale credentials): HTTP 401. */
export class AuthenticationError extends Error {
  override readonly name = 'AuthenticationError';
}

/** We could not check the caller because Google's signing keys could not be fetched: HTTP 503. */
export class SigningKeysUnavailableError extends Error {
  override readonly name = 'SigningKeysUnavailableError';
}
