import { z } from 'zod';
import { createHttpClient, type HttpClient, isAxiosError } from './http-client.js';
import type { HttpPolicy } from './http-policy.js';
import { UpstreamError } from './upstream.error.js';

/** What sends a request with credentials: the `Authorization` header each try needs. */
export interface AuthorizationSource {
  /**
   * Runs `call` with an `Authorization` header value. A token source fetches a fresh token and runs
   * `call` once more when the first try was refused with 401 (an expired or revoked token).
   */
  send<T>(call: (authorization: string) => Promise<T>): Promise<T>;
}

/** HTTP Basic on every request (RFC 7617): nothing to fetch, nothing to renew. */
export function basicAuthorization(username: string, password: string): AuthorizationSource {
  const header = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
  return { send: (call) => call(header) };
}

/** How a client is configured to authenticate: HTTP Basic, or OAuth2 client credentials. */
export type ClientAuth =
  | { kind: 'basic'; username: string; password: string }
  | { kind: 'oauth2'; clientId: string; clientSecret: string; scope?: string };

/** The `AuthorizationSource` for a client's configured credentials; `tokens` says where and how to fetch tokens. */
export function authorizationFor(
  auth: ClientAuth,
  tokens: Omit<ClientCredentialsOptions, 'clientId' | 'clientSecret' | 'scope'>,
): AuthorizationSource {
  if (auth.kind === 'basic') return basicAuthorization(auth.username, auth.password);
  return new ClientCredentialsTokens({
    ...tokens,
    clientId: auth.clientId,
    clientSecret: auth.clientSecret,
    ...(auth.scope === undefined ? {} : { scope: auth.scope }),
  });
}

/**
 * An OAuth2 token response (RFC 6749 5.1). Some gateways (Apigee, behind the University's API
 * Gateway) send `expires_in` as a string, hence the coercion.
 */
export const oauthTokenResponseSchema = z.object({
  access_token: z.string().min(1),
  token_type: z
    .string()
    .refine((type) => type.toLowerCase() === 'bearer', 'must be Bearer')
    .optional(),
  expires_in: z.coerce.number().positive().optional(),
});

export interface ClientCredentialsOptions {
  /** The system the token is for, named in errors (`UpstreamError.system`). */
  system: string;
  /** The token endpoint's whole URL. */
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  scope?: string;
  /** Timeouts, retries and the counter of token requests (a policy of their own, counted apart). */
  policy: HttpPolicy;
  /** Called before each retry of a token request. */
  onRetry?: (info: { attempt: number; delayMs: number; status?: number; method: string }) => void;
  /** A token is renewed this long before it expires, at most a tenth of its lifetime. Default 60 s. */
  renewMarginMs?: number;
  /** Lifetime assumed when a token response carries no `expires_in`. Default 300 s. */
  defaultLifetimeSeconds?: number;
  /** Clock for expiry (tests). */
  now?: () => number;
}

/**
 * OAuth2 client-credentials tokens (RFC 6749 4.4) for one client of one system: the client id and
 * secret by HTTP Basic (form-encoded first, 2.3.1), a token cached until shortly before it expires,
 * one token request at a time however many callers wait for it, and a fresh token (once) when a
 * request with the cached one is refused with 401. Failures are `UpstreamError`s that name the token
 * endpoint and never carry the secret, the credentials header or the response body.
 */
export class ClientCredentialsTokens implements AuthorizationSource {
  readonly policy: HttpPolicy;
  private readonly http: HttpClient;
  private readonly endpoint: string;
  private readonly now: () => number;
  private readonly renewMarginMs: number;
  private readonly defaultLifetimeMs: number;
  private readonly credentials: string;
  private token: { value: string; renewAt: number } | undefined;
  private pending: Promise<string> | undefined;

  constructor(private readonly options: ClientCredentialsOptions) {
    this.policy = options.policy;
    this.now = options.now ?? Date.now;
    this.renewMarginMs = options.renewMarginMs ?? 60_000;
    this.defaultLifetimeMs = (options.defaultLifetimeSeconds ?? 300) * 1000;
    const url = new URL(options.tokenUrl);
    // Named in errors: never a user part or a query, which could hold a credential.
    this.endpoint = `${url.origin}${url.pathname}`;
    const pair = `${encodeURIComponent(options.clientId)}:${encodeURIComponent(options.clientSecret)}`;
    this.credentials = `Basic ${Buffer.from(pair).toString('base64')}`;
    this.http = createHttpClient({
      system: options.system,
      policy: options.policy,
      baseURL: options.tokenUrl,
      ...(options.onRetry === undefined ? {} : { onRetry: options.onRetry }),
    });
  }

  /** Token requests sent, retries included. */
  get calls(): number {
    return this.policy.calls;
  }

  /** The cached token, or one fetched now; concurrent callers share a single token request. */
  accessToken(): Promise<string> {
    if (this.token !== undefined && this.now() < this.token.renewAt) return Promise.resolve(this.token.value);
    this.pending ??= this.fetch().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  /** Forgets `token` if it is still the cached one (the server refused it). */
  forget(token: string): void {
    if (this.token?.value === token) this.token = undefined;
  }

  async send<T>(call: (authorization: string) => Promise<T>): Promise<T> {
    const first = await this.accessToken();
    try {
      return await call(`Bearer ${first}`);
    } catch (error) {
      if (!isUnauthorized(error)) throw error;
    }
    // Expired early or revoked: a fresh token, and one more try.
    this.forget(first);
    return call(`Bearer ${await this.accessToken()}`);
  }

  private async fetch(): Promise<string> {
    const form = new URLSearchParams({ grant_type: 'client_credentials' });
    if (this.options.scope !== undefined) form.set('scope', this.options.scope);
    let body: unknown;
    try {
      const response = await this.http.post<unknown>('', form.toString(), {
        headers: {
          Authorization: this.credentials,
          'Content-Type': 'application/x-www-form-urlencoded',
          Accept: 'application/json',
        },
        // Asking for another token is harmless, so a 5xx may be retried.
        retryUnsafe: true,
      });
      body = response.data;
    } catch (error) {
      throw this.failure(error);
    }
    const parsed = oauthTokenResponseSchema.safeParse(body);
    if (!parsed.success) {
      // The issues would quote the response, which may hold a token: keep only the field names.
      const fields = parsed.error.issues.map((issue) => issue.path.join('.') || '(body)').join(', ');
      throw new UpstreamError(
        this.options.system,
        `unexpected answer from the token endpoint ${this.endpoint} (fields: ${fields})`,
      );
    }
    const lifetimeMs =
      parsed.data.expires_in === undefined ? this.defaultLifetimeMs : parsed.data.expires_in * 1000;
    const margin = Math.min(this.renewMarginMs, lifetimeMs / 10);
    this.token = { value: parsed.data.access_token, renewAt: this.now() + lifetimeMs - margin };
    return this.token.value;
  }

  /** A failed token request, without the AxiosError (its config holds the credentials header). */
  private failure(error: unknown): UpstreamError {
    const what = `token request to ${this.endpoint} failed`;
    if (isAxiosError(error)) {
      const status = error.response?.status;
      const detail = status === undefined ? (error.code ?? 'no response') : `HTTP ${status}`;
      return new UpstreamError(this.options.system, `${what}: ${detail}`, status, {
        cause: new Error(`${error.code ?? 'ERR'}: ${error.message}`),
      });
    }
    if (error instanceof UpstreamError) {
      return new UpstreamError(this.options.system, `${what}: ${error.message}`, error.status);
    }
    return new UpstreamError(this.options.system, what, undefined, {
      cause: new Error(error instanceof Error ? error.name : 'unknown error'),
    });
  }
}

/** A 401 from the server, as axios or an `UpstreamError` reports it. */
function isUnauthorized(error: unknown): boolean {
  if (isAxiosError(error)) return error.response?.status === 401;
  return error instanceof UpstreamError && error.status === 401;
}
