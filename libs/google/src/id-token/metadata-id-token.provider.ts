import { lazy } from '../lazy.util.js';
import type { IdTokenProvider } from './id-token.provider.js';
import { jwtExpiryMs } from './jwt-expiry.util.js';

export interface MetadataIdTokenProviderOptions {
  /** Fetch a new token this long before the cached one expires. Default 5 minutes. */
  refreshBeforeMs?: number;
  /** How long to keep a token whose `exp` cannot be read. Default 5 minutes. */
  fallbackLifetimeMs?: number;
  now?: () => number;
}

/** What fetches a token for an audience (google-auth-library's client, or a test's). */
export type FetchIdToken = (audience: string) => Promise<string>;

/**
 * Google-signed ID tokens from the application default credentials: on Cloud Run the metadata server
 * (`getIdTokenClient`, google-auth-library loaded on the first call; `GCE_METADATA_HOST` points it
 * elsewhere). Each audience's token is cached until `refreshBeforeMs` before its `exp`; concurrent
 * callers share one fetch; a failed fetch is not cached.
 */
export class MetadataIdTokenProvider implements IdTokenProvider {
  private readonly cache = new Map<string, { token: Promise<string>; expiresAt: number }>();
  private readonly fetchToken: FetchIdToken;
  private readonly now: () => number;

  constructor(
    private readonly options: MetadataIdTokenProviderOptions = {},
    fetchToken?: FetchIdToken,
  ) {
    this.now = options.now ?? Date.now;
    this.fetchToken = fetchToken ?? googleFetchIdToken();
  }

  token(audience: string): Promise<string> {
    if (audience.length === 0) return Promise.reject(new Error('ID token: the audience is empty'));
    const cached = this.cache.get(audience);
    if (cached !== undefined && this.now() < cached.expiresAt) return cached.token;
    const entry = { token: this.fetch(audience), expiresAt: Number.POSITIVE_INFINITY };
    this.cache.set(audience, entry);
    return entry.token;
  }

  private async fetch(audience: string): Promise<string> {
    try {
      const token = await this.fetchToken(audience);
      const exp = jwtExpiryMs(token);
      const refreshBefore = this.options.refreshBeforeMs ?? 300_000;
      const entry = this.cache.get(audience);
      if (entry !== undefined) {
        entry.expiresAt =
          exp === undefined ? this.now() + (this.options.fallbackLifetimeMs ?? 300_000) : exp - refreshBefore;
      }
      return token;
    } catch (error) {
      this.cache.delete(audience);
      throw new Error(`could not get an ID token for ${audience} from the metadata server`, { cause: error });
    }
  }
}

/** google-auth-library's ID token fetch for the application default credentials, loaded on first use. */
function googleFetchIdToken(): FetchIdToken {
  const auth = lazy(async () => {
    const { GoogleAuth } = await import('google-auth-library');
    return new GoogleAuth();
  });
  return async (audience) => {
    const client = await (await auth()).getIdTokenClient(audience);
    return client.idTokenProvider.fetchIdToken(audience);
  };
}
