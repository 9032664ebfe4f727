import {
  authorizationFor,
  type AuthorizationSource,
  createHttpClient,
  type HttpClient,
  HttpPolicy,
  isAxiosError,
  UpstreamError,
} from '@app/http';
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
  private readonly auth: AuthorizationSource;

  constructor(options: CufsClientOptions) {
    const baseUrl = `${options.baseUrl.replace(/\/+$/, '')}/`;
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
    this.auth = authorizationFor(options.auth, {
      system: SYSTEM,
      tokenUrl: `${baseUrl}oauth/token`,
      policy: this.tokenPolicy,
      ...(logRetry === undefined ? {} : { onRetry: logRetry }),
      ...(options.now === undefined ? {} : { now: options.now }),
    });
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
      const response = await this.auth.send((authorization) =>
        this.probeHttp.get<unknown>(`${API}/value-sets/department/values/-`, {
          headers: { Authorization: authorization },
          validateStatus: () => true,
        }),
      );
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

  /** The body, or null on a 404 (an expired or revoked token is renewed once: `ClientCredentialsTokens`). */
  private async get(url: string, what: string): Promise<unknown> {
    try {
      return await this.auth.send((authorization) => this.getOnce(url, authorization, what));
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
