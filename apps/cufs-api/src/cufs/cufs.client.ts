import { createHttpClient, type HttpClient, HttpPolicy, isAxiosError, UpstreamError } from '@app/http';
import type { z } from 'zod';
import {
  type CufsAuth,
  type CufsProject,
  type CufsPurchaseOrder,
  type CufsReachability,
  type CufsReader,
  type CufsValue,
  type CufsValueSet,
  cufsProjectSchema,
  cufsPurchaseOrderSchema,
  cufsValueSchema,
  oauthTokenResponseSchema,
} from './cufs.types.js';

export interface CufsClientOptions {
  /** CUFS's server root: reads go to `<baseUrl>/api/v1/...`, tokens come from `<baseUrl>/oauth/token`. */
  baseUrl: string;
  auth: CufsAuth;
  /** One request's time. Default 3 s. */
  timeoutMs?: number;
  /** One read with its retries. Default twice the timeout and a little. */
  deadlineMs?: number;
  maxAttempts?: number;
  baseDelayMs?: number;
  /** Called before each retry (for logging: never the URL's values). */
  onRetry?: (info: { attempt: number; delayMs: number; status?: number }) => void;
  /** Clock for token expiry (tests). */
  now?: () => number;
}

const SYSTEM = 'CUFS';
const API = 'api/v1';
/** A token is renewed this long before it expires (at most a tenth of its lifetime). */
const TOKEN_RENEW_MARGIN_MS = 60_000;
const DEFAULT_TOKEN_LIFETIME_S = 300;

/**
 * CUFS, read-only: value sets, projects and purchase orders. Authenticated by HTTP Basic or by an
 * OAuth2 client-credentials token (cached until shortly before it expires; one renewal at a time;
 * fetched again once on a 401). A record CUFS does not have (a 404 whose JSON body is
 * `{"error":"not_found"}`) is `null`; anything else that is not an answer (unreachable, timeout, 5xx
 * after retries, 401/403, any other 404, a body that is not the model) throws an `UpstreamError`: the
 * caller must treat it as "unknown", never as "does not exist".
 */
export class CufsClient implements CufsReader {
  /** Reads: timeouts, retries and the call counter. */
  readonly policy: HttpPolicy;
  /** Token requests, counted apart. */
  readonly tokenPolicy: HttpPolicy;
  private readonly probePolicy: HttpPolicy;
  private readonly http: HttpClient;
  private readonly probeHttp: HttpClient;
  private readonly tokenHttp: HttpClient;
  private readonly auth: CufsAuth;
  private readonly now: () => number;
  private token: { value: string; renewAt: number } | undefined;
  private pendingToken: Promise<string> | undefined;

  constructor(options: CufsClientOptions) {
    const baseUrl = `${options.baseUrl.replace(/\/+$/, '')}/`;
    this.auth = options.auth;
    this.now = options.now ?? Date.now;
    const timeoutMs = options.timeoutMs ?? 3000;
    const policy = {
      system: SYSTEM,
      timeoutMs,
      deadlineMs: options.deadlineMs ?? timeoutMs * 2 + 500,
      maxAttempts: options.maxAttempts ?? 3,
      baseDelayMs: options.baseDelayMs ?? 100,
      maxDelayMs: 1000,
      // A CUFS that asks for longer than this is not waited for: the caller hears "try later".
      maxRetryAfterMs: 2000,
    };
    this.policy = new HttpPolicy(policy);
    this.tokenPolicy = new HttpPolicy(policy);
    this.probePolicy = new HttpPolicy({ ...policy, maxAttempts: 1, deadlineMs: timeoutMs });
    const onRetry = options.onRetry;
    const logRetry =
      onRetry === undefined
        ? undefined
        : (info: { attempt: number; delayMs: number; status?: number }) =>
            onRetry({ attempt: info.attempt, delayMs: info.delayMs, status: info.status });
    const common = { ...policy, baseURL: baseUrl, headers: { Accept: 'application/json' } };
    this.http = createHttpClient({ ...common, policy: this.policy, onRetry: logRetry });
    this.probeHttp = createHttpClient({ ...common, policy: this.probePolicy });
    this.tokenHttp = createHttpClient({ ...common, policy: this.tokenPolicy, onRetry: logRetry });
  }

  /** Read requests sent, retries included. */
  get calls(): number {
    return this.policy.calls;
  }

  /** Token requests sent (OAuth2 only). */
  get tokenCalls(): number {
    return this.tokenPolicy.calls;
  }

  getValue(set: CufsValueSet, value: string): Promise<CufsValue | null> {
    return this.read(
      `value-sets/${set}/values/${encodeURIComponent(value)}`,
      'value-set read',
      cufsValueSchema,
    );
  }

  getProject(projectNumber: string): Promise<CufsProject | null> {
    return this.read(`projects/${encodeURIComponent(projectNumber)}`, 'project read', cufsProjectSchema);
  }

  getPurchaseOrder(number: string): Promise<CufsPurchaseOrder | null> {
    return this.read(
      `purchase-orders/${encodeURIComponent(number)}`,
      'purchase order read',
      cufsPurchaseOrderSchema,
    );
  }

  /**
   * Whether CUFS answers now: one request, one attempt, no retry (a readiness probe must be quick).
   * `refused`: it answers but not to our credentials. Never throws.
   */
  async reachability(): Promise<CufsReachability> {
    try {
      const authorization = await this.authorization();
      const response = await this.probeHttp.get<unknown>(`${API}/value-sets/department/values/-`, {
        headers: { Authorization: authorization },
        validateStatus: () => true,
      });
      if (response.status === 401 || response.status === 403) return 'refused';
      const answered = (response.status >= 200 && response.status < 300) || isCufsNotFound(response);
      return answered ? 'ok' : 'unreachable';
    } catch (error) {
      if (error instanceof UpstreamError && (error.status === 401 || error.status === 400)) return 'refused';
      return 'unreachable';
    }
  }

  private async read<T>(path: string, what: string, schema: z.ZodType<T>): Promise<T | null> {
    const body = await this.get(`${API}/${path}`, what);
    if (body === null) return null;
    const parsed = schema.safeParse(body);
    if (!parsed.success) {
      const fields = parsed.error.issues.map((issue) => issue.path.join('.') || '(body)').join(', ');
      throw new UpstreamError(SYSTEM, `unexpected answer to a ${what} (fields: ${fields})`);
    }
    return parsed.data;
  }

  /** The body, or null on a 404. */
  private async get(url: string, what: string): Promise<unknown> {
    let authorization = await this.authorization();
    try {
      return await this.getOnce(url, authorization, what);
    } catch (error) {
      if (this.auth.kind !== 'oauth2' || !isAxiosError(error) || error.response?.status !== 401) {
        throw upstreamError(what, error);
      }
    }
    // The token expired early or was revoked: forget it, fetch a new one and try once more.
    if (this.token !== undefined && `Bearer ${this.token.value}` === authorization) this.token = undefined;
    authorization = await this.authorization();
    try {
      return await this.getOnce(url, authorization, what);
    } catch (error) {
      throw upstreamError(what, error);
    }
  }

  /** The body, or null for CUFS's own not-found answer; any other 404 (a proxy, a wrong URL) throws. */
  private async getOnce(url: string, authorization: string, what: string): Promise<unknown> {
    const response = await this.http.get<unknown>(url, {
      headers: { Authorization: authorization },
      validateStatus: (status) => (status >= 200 && status < 300) || status === 404,
    });
    if (response.status !== 404) return response.data;
    if (isCufsNotFound(response)) return null;
    throw new UpstreamError(SYSTEM, `${what} failed: HTTP 404 that is not CUFS's not-found answer`, 404);
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
    if (this.auth.kind !== 'oauth2') throw new Error('not an OAuth2 client');
    const { clientId, clientSecret } = this.auth;
    const credentials = `${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`;
    let body: unknown;
    try {
      const response = await this.tokenHttp.post<unknown>(
        'oauth/token',
        new URLSearchParams({ grant_type: 'client_credentials' }).toString(),
        {
          headers: {
            Authorization: `Basic ${Buffer.from(credentials).toString('base64')}`,
            'Content-Type': 'application/x-www-form-urlencoded',
          },
          // Asking for another token is harmless, so a 5xx may be retried.
          retryUnsafe: true,
        },
      );
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

/** CUFS's "no such record": a 404 whose JSON body is `{"error":"not_found"}`, nothing else. */
function isCufsNotFound(response: { status: number; data: unknown }): boolean {
  const { data } = response;
  return (
    response.status === 404 &&
    typeof data === 'object' &&
    data !== null &&
    (data as { error?: unknown }).error === 'not_found'
  );
}

/** Wraps a failure without the AxiosError, whose config holds the credentials. */
function upstreamError(what: string, error: unknown): UpstreamError {
  if (error instanceof UpstreamError) return error;
  if (isAxiosError(error)) {
    const status = error.response?.status;
    const detail = status === undefined ? (error.code ?? 'no response') : `HTTP ${status}`;
    return new UpstreamError(SYSTEM, `${what} failed: ${detail}`, status, {
      cause: new Error(`${error.code ?? 'ERR'}: ${error.message}`),
    });
  }
  return new UpstreamError(SYSTEM, `${what} failed`, undefined, { cause: error });
}
