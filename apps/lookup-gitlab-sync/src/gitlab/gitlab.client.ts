import { type AxiosInstance, type AxiosResponse, isAxiosError } from 'axios';
import { createHttpClient, UpstreamError } from '@app/http';
import {
  type GitLabUser,
  type MutationResult,
  gitLabErrorSchema,
  gitLabUsersPageSchema,
} from './gitlab.types.js';

export type { GitLabUser, MutationResult } from './gitlab.types.js';

export interface GitLabClientOptions {
  /** The instance URL (`https://gitlab.example.org`); a trailing `/api/v4` is accepted too. */
  baseUrl: string;
  /** Admin personal or service-account token, sent as `PRIVATE-TOKEN`. Never logged. */
  token: string;
  timeoutMs?: number;
  maxAttempts?: number;
  baseDelayMs?: number;
  /** Users per page, 1 to 100 (GitLab's maximum). */
  perPage?: number;
  onRetry?: (info: { attempt: number; delayMs: number; status?: number; method: string }) => void;
}

const SYSTEM = 'GitLab';

/**
 * The GitLab admin users API: read every user with keyset pagination, block and unblock.
 * Reads fail whole (an `UpstreamError` after the retries of `@app/http`); a refusal of one
 * block/unblock (403, 404, 409...) is returned as a `MutationResult` so the run can go on.
 */
export class GitLabClient {
  /** HTTP requests sent, retries included (for benchmarks and run summaries). */
  calls = 0;
  private readonly http: AxiosInstance;
  private readonly apiRoot: URL;
  private readonly perPage: number;

  constructor(options: GitLabClientOptions) {
    const root = options.baseUrl.replace(/\/+$/, '').replace(/\/api\/v4$/, '');
    this.apiRoot = new URL(`${root}/api/v4/`);
    this.perPage = Math.min(100, Math.max(1, Math.trunc(options.perPage ?? 100)));
    this.http = createHttpClient({
      system: SYSTEM,
      baseURL: this.apiRoot.href,
      timeoutMs: options.timeoutMs,
      maxAttempts: options.maxAttempts,
      baseDelayMs: options.baseDelayMs,
      headers: { 'PRIVATE-TOKEN': options.token, Accept: 'application/json' },
      onRetry: options.onRetry
        ? (info) =>
            options.onRetry?.({
              attempt: info.attempt,
              delayMs: info.delayMs,
              status: info.status,
              method: info.method,
            })
        : undefined,
    });
    this.http.interceptors.request.use((config) => {
      this.calls += 1;
      return config;
    });
  }

  /**
   * Every user, one array per page, in id order. Follows the `Link: <...>; rel="next"` header of
   * keyset pagination until it is absent. Throws on the first page that fails after retries.
   */
  async *listUsers(): AsyncGenerator<GitLabUser[]> {
    let url: string | undefined = `users?pagination=keyset&order_by=id&sort=asc&per_page=${this.perPage}`;
    const visited = new Set<string>();
    while (url !== undefined) {
      visited.add(url);
      const response = await this.getPage(url);
      const parsed = gitLabUsersPageSchema.safeParse(response.data);
      if (!parsed.success) {
        throw new UpstreamError(SYSTEM, 'unexpected response for a users page', response.status, {
          cause: parsed.error,
        });
      }
      yield parsed.data;
      url = this.nextPageUrl(response);
      if (url !== undefined && visited.has(url)) {
        throw new UpstreamError(SYSTEM, 'pagination loops: the next-page link repeats a page already read');
      }
    }
  }

  blockUser(id: number): Promise<MutationResult> {
    return this.mutate(id, 'block');
  }

  unblockUser(id: number): Promise<MutationResult> {
    return this.mutate(id, 'unblock');
  }

  private async getPage(url: string): Promise<AxiosResponse<unknown>> {
    try {
      return await this.http.get<unknown>(url);
    } catch (error) {
      throw upstreamError('reading a users page', error);
    }
  }

  /** The `rel="next"` target, checked to stay on this GitLab's API so the token never leaves it. */
  private nextPageUrl(response: AxiosResponse<unknown>): string | undefined {
    const header: unknown = response.headers['link'];
    if (typeof header !== 'string') return undefined;
    const next = parseLinkHeader(header).get('next');
    if (next === undefined) return undefined;
    const target = new URL(next, this.apiRoot);
    if (target.origin !== this.apiRoot.origin || !target.pathname.startsWith(this.apiRoot.pathname)) {
      throw new UpstreamError(SYSTEM, 'next-page link points outside the configured GitLab API');
    }
    return target.href;
  }

  private async mutate(id: number, action: 'block' | 'unblock'): Promise<MutationResult> {
    if (!Number.isSafeInteger(id) || id <= 0) throw new RangeError(`invalid GitLab user id: ${id}`);
    try {
      // Both calls are idempotent in effect (blocking a blocked user is a no-op), so a 5xx may be retried.
      const response = await this.http.post<unknown>(`users/${id}/${action}`, undefined, {
        retryUnsafe: true,
      });
      // GitLab answers 201 `true`; `null` when the user was already blocked; `false` when nothing changed.
      if (response.data === false) {
        return { ok: false, status: response.status, message: `GitLab did not ${action} the user` };
      }
      // Someone else blocked the user between our read and this call: not a block of ours.
      if (response.data === null) return { ok: true, unchanged: true };
      return { ok: true };
    } catch (error) {
      const status = isAxiosError(error) ? error.response?.status : undefined;
      if (isAxiosError(error) && status !== undefined && isPerUserRefusal(status)) {
        return { ok: false, status, message: errorMessage(error.response?.data, status) };
      }
      throw upstreamError(`${action} of user ${id}`, error);
    }
  }
}

/** 4xx answers about one user; 401 (bad token) and 429 (after retries) concern the whole run. */
function isPerUserRefusal(status: number): boolean {
  return status >= 400 && status < 500 && status !== 401 && status !== 429;
}

/** Parses an RFC 8288 `Link` header into rel -> URL. */
export function parseLinkHeader(header: string): Map<string, string> {
  const links = new Map<string, string>();
  for (const part of header.split(/,(?=\s*<)/)) {
    const match = /^\s*<([^>]*)>(.*)$/.exec(part);
    if (match === null) continue;
    const [, url, params] = match as unknown as [string, string, string];
    const rel = /;\s*rel="?([^";]+)"?/i.exec(params)?.[1];
    if (rel === undefined) continue;
    for (const name of rel.trim().toLowerCase().split(/\s+/)) if (!links.has(name)) links.set(name, url);
  }
  return links;
}

function errorMessage(body: unknown, status: number): string {
  const parsed = gitLabErrorSchema.safeParse(body);
  const raw = parsed.success ? (parsed.data.message ?? parsed.data.error) : undefined;
  const text = typeof raw === 'string' ? raw : raw === undefined ? `HTTP ${status}` : JSON.stringify(raw);
  return text.slice(0, 300);
}

/**
 * Wraps a failure without keeping the AxiosError itself: it holds the request config, whose
 * headers carry the token, and loggers serialise causes.
 */
function upstreamError(what: string, error: unknown): UpstreamError {
  if (isAxiosError(error)) {
    const status = error.response?.status;
    const detail = status === undefined ? (error.code ?? 'no response') : `HTTP ${status}`;
    return new UpstreamError(SYSTEM, `${what} failed: ${detail}`, status, {
      cause: new Error(`${error.code ?? 'ERR'}: ${error.message}`),
    });
  }
  return new UpstreamError(SYSTEM, `${what} failed`, undefined, { cause: error });
}
