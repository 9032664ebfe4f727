import {
  authorizationFor,
  type AuthorizationSource,
  createHttpClient,
  type HttpClient,
  HttpPolicy,
  isAxiosError,
  UpstreamError,
} from '@app/http';
import { isCrsid } from '@app/identifiers';
import { type LookupAuth, type LookupPerson, lookupPeopleResponseSchema } from './lookup.types.js';

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
  private readonly baseUrl: string;
  private readonly auth: AuthorizationSource;

  constructor(options: LookupClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
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
    this.auth = authorizationFor(options.auth, {
      system: SYSTEM,
      tokenUrl: options.auth.kind === 'oauth2' ? options.auth.tokenUrl : this.baseUrl,
      policy: this.tokenPolicy,
      ...(logRetry === undefined ? {} : { onRetry: logRetry }),
      ...(options.now === undefined ? {} : { now: options.now }),
    });
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

  /** The body (an expired or revoked token is renewed once: `ClientCredentialsTokens`). */
  private async get(url: string): Promise<unknown> {
    try {
      return await this.auth.send(
        async (authorization) =>
          (await this.http.get<unknown>(url, { headers: { Authorization: authorization } })).data,
      );
    } catch (error) {
      throw upstreamError('person/list', error);
    }
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
