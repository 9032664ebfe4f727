/** The sign-in response cannot be trusted (state, nonce, PKCE, the provider's own error): HTTP 400. */
export class SignInRefusedError extends Error {
  override readonly name = 'SignInRefusedError';
}

/** The identity provider (discovery, token endpoint) or IAP's keys could not be reached: HTTP 503. */
export class SignInUnavailableError extends Error {
  override readonly name = 'SignInUnavailableError';
}
