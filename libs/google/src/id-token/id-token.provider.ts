/**
 * ID tokens for calling another of our services (service-to-service): a Google-signed token for an
 * audience (the callee's URL) in the cloud, a configured static token locally.
 */
export interface IdTokenProvider {
  token(audience: string): Promise<string>;
}

/** Nest injection token for the app's IdTokenProvider. */
export const ID_TOKEN_PROVIDER = Symbol('ID_TOKEN_PROVIDER');

/** Locally and in tests: the callee's configured token (its JOB_TOKEN), whatever the audience. */
export class StaticIdTokenProvider implements IdTokenProvider {
  constructor(private readonly value: string) {
    if (value.length === 0) throw new Error('StaticIdTokenProvider: the token is empty');
  }

  token(): Promise<string> {
    return Promise.resolve(this.value);
  }
}

/**
 * The `Authorization` header value for calls to `audience`, for `createHttpClient`'s `authorization`
 * option: asked again on every attempt, so a retry after a token expired carries a fresh one.
 */
export function bearerFor(provider: IdTokenProvider, audience: string): () => Promise<string> {
  return async () => `Bearer ${await provider.token(audience)}`;
}
