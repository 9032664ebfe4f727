import { createHttpClient, type HttpClient, HttpPolicy, isAxiosError, UpstreamError } from '@app/http';
import { isCrsid } from '@app/identifiers';
import {
  type LookupAuth,
  type LookupPerson,
  lookupPeopleResponseSchema,
  oauthTokenResponseSchema,
} from './lookup.types.js';

export type { LookupAuth, LookupPerson } from './lookup.types.js';

export interface LookupClientOptions {
  /**
   * The API root, version included: `https://www.lookup.cam.ac.uk/api/v1` (Lookup itself) or
   * `https://api.apps.cam.ac.uk/lookup/v1` (through the API Gateway). Requests go to
   * `<baseUrl>/person/list`.
   */
  baseUrl: string;
  auth: LookupAuth;
  /** CRSids per `person/list` call; clamped so the URL stays under `maxUrlLength`. */
  batchSize: number;
  /** Per request; see `HttpPolicy` for these four. */
  timeoutMs?: number;
  /** One request with its retries. */
  deadlineMs?: number;
  maxAttempts?: number;
  baseDelayMs?: number;
  /** URL length Lookup is known to accept; see `maxBatchSizeForUrl`. */
  maxUrlLength?: number;
  /** Called before each retry (for logging: never the URL, which lists CRSids). */
  onRetry?: (info: { attempt: number; delayMs: number; status?: number; method: string }) => void;
  /** Clock for token expiry (tests). */
  now?: () => number;
}

const SYSTEM = 'Lookup';
const PERSON_LIST_PATH = 'person/list?crsids=';
/** A token is renewed this long before it expires (at most a tenth of its lifetime). */
const TOKEN_RENEW_MARGIN_MS = 60_000;
/** Lifetime assumed when a token response carries no `expires_in`. */
const DEFAULT_TOKEN_LIFETIME_S = 300;

/**
 * The largest number of CRSids one `person/list` URL can hold without exceeding `maxUrlLength`:
 * `<baseUrl>/person/list?crsids=` followed by CRSids of up to `maxCrsidLength` characters joined
 * by commas (CRSids need no escaping). Lookup documents a limit of "around 8000 characters";
 * 2000 is the conservative default that every proxy on the way accepts.
 */
export function maxBatchSizeForUrl(baseUrl: string, maxUrlLength = 2000, maxCrsidLength = 8): number {
  const fixed = personListUrl(baseUrl, '').length;
  return Math.max(0, Math.floor((maxUrlLength - fixed + 1) / (maxCrsidLength + 1)));
}

function personListUrl(baseUrl: string, joinedCrsids: string): string {
  return new URL(`${PERSON_LIST_PATH}${joinedCrsids}`, `${baseUrl.replace(/\/+$/, '')}/`).href;
}

/**
 * Lookup's `person/list`, authenticated by HTTP Basic or by an OAuth2 client-credentials token
 * from the API Gateway (cached until shortly before it expires, fetched again once on a 401).
 */
export class LookupClient {
  /** Timeouts, retries and the call counter of `person/list` requests. */
  readonly policy: HttpPolicy;
  /** The same for token requests (OAuth2 only), counted apart. */
  readonly tokenPolicy: HttpPolicy;
  /** The batch size in force, after clamping to the URL limit. */
  readonly batchSize: number;
  private readonly http: HttpClient;
  private readonly tokenHttp: HttpClient | undefined;
  private readonly baseUrl: string;
  private readonly auth: LookupAuth;
  private readonly now: () => number;
  private token: { value: string; renewAt: number } | undefined;
  private pendingToken: Promise<string> | undefined;

  constructor(options: LookupClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.auth = options.auth;
    this.now = options.now ?? Date.now;
    const limit = maxBatchSizeForUrl(this.baseUrl, options.maxUrlLength);
    if (limit < 1)
      throw new RangeError('Lookup base URL leaves no room for a CRSid under the URL length limit');
    this.batchSize = Math.max(1, Math.min(Math.trunc(options.batchSize), limit));
    const policy = {
      system: SYSTEM,
      timeoutMs: options.timeoutMs,
      deadlineMs: options.deadlineMs,
      maxAttempts: options.maxAttempts,
      baseDelayMs: options.baseDelayMs,
    };
    this.policy = new HttpPolicy(policy);
    this.tokenPolicy = new HttpPolicy(policy);
    const onRetry = options.onRetry;
    const logRetry =
      onRetry === undefined
        ? undefined
        : (info: { attempt: number; delayMs: number; status?: number; method: string }) =>
            onRetry({
              attempt: info.attempt,
              delayMs: info.delayMs,
              status: info.status,
              method: info.method,
            });
    this.http = createHttpClient({
      ...policy,
      policy: this.policy,
      onRetry: logRetry,
      baseURL: `${this.baseUrl}/`,
      headers: { Accept: 'application/json' },
    });
    if (this.auth.kind === 'oauth2') {
      this.tokenHttp = createHttpClient({
        ...policy,
        policy: this.tokenPolicy,
        baseURL: this.auth.tokenUrl,
        onRetry: logRetry,
      });
    }
  }

  /** `person/list` requests sent, retries included. */
  get calls(): number {
    return this.policy.calls;
  }

  /** Token requests sent (OAuth2 only). */
  get tokenCalls(): number {
    return this.tokenPolicy.calls;
  }

  /**
   * The people Lookup knows among `crsids`, by CRSid. A CRSid missing from the map is unknown to
   * Lookup (not cancelled). One call per `batchSize` CRSids; throws on any failure, never returns
   * part of an answer.
   */
  async getPeople(crsids: readonly string[]): Promise<Map<string, LookupPerson>> {
    const unique = [...new Set(crsids)];
    const invalid = unique.filter((crsid) => !isCrsid(crsid)).length;
    if (invalid > 0) throw new RangeError(`${invalid} value(s) passed to Lookup are not CRSids`);
    const people = new Map<string, LookupPerson>();
    for (let start = 0; start < unique.length; start += this.batchSize) {
      for (const person of await this.fetchBatch(unique.slice(start, start + this.batchSize))) {
        people.set(person.crsid, person);
      }
    }
    return people;
  }

  private async fetchBatch(batch: string[]): Promise<LookupPerson[]> {
    const url = `${PERSON_LIST_PATH}${batch.join(',')}`;
    const body = await this.get(url);
    const parsed = lookupPeopleResponseSchema.safeParse(body);
    if (!parsed.success) {
      throw new UpstreamError(SYSTEM, 'unexpected response from person/list', undefined, {
        cause: parsed.error,
      });
    }
    const { people, error } = parsed.data.result;
    if (error !== undefined || people === undefined) {
      throw new UpstreamError(
        SYSTEM,
        `person/list returned an error: ${error?.code ?? 'no people'}`,
        error?.status,
      );
    }
    const found: LookupPerson[] = [];
    for (const person of people) {
      if (person.identifier.scheme.toLowerCase() !== 'crsid') continue;
      const displayName = person.displayName ?? person.visibleName ?? undefined;
      found.push({
        crsid: person.identifier.value.toLowerCase(),
        cancelled: person.cancelled,
        ...(displayName !== undefined ? { displayName } : {}),
      });
    }
    return found;
  }

  private async get(url: string): Promise<unknown> {
    let authorization = await this.authorization();
    try {
      return (await this.http.get<unknown>(url, { headers: { Authorization: authorization } })).data;
    } catch (error) {
      if (this.auth.kind !== 'oauth2' || !isAxiosError(error) || error.response?.status !== 401) {
        throw upstreamError('person/list', error);
      }
    }
    // The token was revoked or expired early: forget it, fetch a new one and try once more.
    if (this.token !== undefined && `Bearer ${this.token.value}` === authorization) this.token = undefined;
    authorization = await this.authorization();
    try {
      return (await this.http.get<unknown>(url, { headers: { Authorization: authorization } })).data;
    } catch (error) {
      throw upstreamError('person/list', error);
    }
  }

  private async authorization(): Promise<string> {
    switch (this.auth.kind) {
      case 'basic':
        return `Basic ${Buffer.from(`${this.auth.username}:${this.auth.password}`).toString('base64')}`;
      case 'oauth2':
        return `Bearer ${await this.accessToken()}`;
    }
  }

  /** The cached token, or one fetched now; concurrent callers share a single token request. */
  private accessToken(): Promise<string> {
    if (this.token !== undefined && this.now() < this.token.renewAt) return Promise.resolve(this.token.value);
    this.pendingToken ??= this.fetchToken().finally(() => {
      this.pendingToken = undefined;
    });
    return this.pendingToken;
  }

  private async fetchToken(): Promise<string> {
    if (this.auth.kind !== 'oauth2' || this.tokenHttp === undefined) throw new Error('not an OAuth2 client');
    const { clientId, clientSecret, scope } = this.auth;
    const form = new URLSearchParams({ grant_type: 'client_credentials' });
    if (scope !== undefined) form.set('scope', scope);
    const credentials = `${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`;
    let body: unknown;
    try {
      const response = await this.tokenHttp.post<unknown>('', form.toString(), {
        headers: {
          Authorization: `Basic ${Buffer.from(credentials).toString('base64')}`,
          'Content-Type': 'application/x-www-form-urlencoded',
          Accept: 'application/json',
        },
        // Asking for another token is harmless, so a 5xx may be retried.
        retryUnsafe: true,
      });
      body = response.data;
    } catch (error) {
      throw upstreamError('token request', error);
    }
    const parsed = oauthTokenResponseSchema.safeParse(body);
    if (!parsed.success) {
      // The cause would quote the response, which may hold a token: keep only the field names.
      const fields = parsed.error.issues.map((issue) => issue.path.join('.')).join(', ');
      throw new UpstreamError(SYSTEM, `unexpected token response (fields: ${fields})`);
    }
    const lifetimeMs = (parsed.data.expires_in ?? DEFAULT_TOKEN_LIFETIME_S) * 1000;
    const margin = Math.min(TOKEN_RENEW_MARGIN_MS, lifetimeMs / 10);
    this.token = { value: parsed.data.access_token, renewAt: this.now() + lifetimeMs - margin };
    return this.token.value;
  }
}

/** Wraps a failure without the AxiosError, whose config holds the credentials. */
function upstreamError(what: string, error: unknown): UpstreamError {
  if (isAxiosError(error)) {
    const status = error.response?.status;
    const detail = status === undefined ? (error.code ?? 'no response') : `HTTP ${status}`;
    return new UpstreamError(SYSTEM, `${what} failed: ${detail}`, status, {
      cause: new Error(`${error.code ?? 'ERR'}: ${error.message}`),
    });
  }
  if (error instanceof UpstreamError) return error;
  return new UpstreamError(SYSTEM, `${what} failed`, undefined, { cause: error });
}
