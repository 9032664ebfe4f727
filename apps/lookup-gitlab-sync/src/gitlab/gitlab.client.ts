import type { AxiosResponse } from 'axios';
import { createHttpClient, type HttpClient, HttpPolicy, isAxiosError, UpstreamError } from '@app/http';
import {
  errorMessage,
  GitLabMutationError,
  interpretMutationAnswer,
  isPerUserRefusal,
  type MutationAction,
  parseLinkHeader,
  refusalConcernsEveryone,
  SYSTEM,
} from './gitlab-answers.util.js';
import {
  ADMIN_ONLY_FIELDS,
  type GitLabUser,
  type MutationResult,
  gitLabUserStateSchema,
  gitLabUsersPageSchema,
} from './gitlab.types.js';

export type { GitLabUser, MutationResult } from './gitlab.types.js';
export { GitLabMutationError, parseLinkHeader } from './gitlab-answers.util.js';

export interface GitLabClientOptions {
  /** The instance URL (`https://gitlab.example.org`); a trailing `/api/v4` is accepted too. */
  baseUrl: string;
  /** Admin personal or service-account token, sent as `PRIVATE-TOKEN`. Never logged. */
  token: string;
  /** Per request; see `HttpPolicy` for these four. */
  timeoutMs?: number;
  /** One request with its retries. */
  deadlineMs?: number;
  maxAttempts?: number;
  baseDelayMs?: number;
  /** Users per page, 1 to 100 (GitLab's maximum). */
  perPage?: number;
  onRetry?: (info: { attempt: number; delayMs: number; status?: number; method: string }) => void;
}

/**
 * The GitLab admin users API: read every user with keyset pagination, read one user, block and
 * unblock. Reads fail whole (an `UpstreamError` after the retries of `@app/http`); a refusal of one
 * block/unblock (403 about that user, 404, 409...) is returned as a `MutationResult` so the run can
 * go on; anything that concerns every user throws a `GitLabMutationError`.
 */
export class GitLabClient {
  /** Timeouts, retries and the call counter of every request to GitLab. */
  readonly policy: HttpPolicy;
  private readonly http: HttpClient;
  private readonly apiRoot: URL;
  private readonly perPage: number;
  /**
   * Calls (`method url`) whose attempt so far got no answer, a timeout or a 5xx: GitLab may have
   * processed them. Filled by the retry hook of `@app/http`; a run sends each user's change once.
   */
  private readonly unanswered = new Set<string>();

  constructor(options: GitLabClientOptions) {
    const root = options.baseUrl.replace(/\/+$/, '').replace(/\/api\/v4$/, '');
    this.apiRoot = new URL(`${root}/api/v4/`);
    this.perPage = Math.min(100, Math.max(1, Math.trunc(options.perPage ?? 100)));
    this.policy = new HttpPolicy({
      system: SYSTEM,
      timeoutMs: options.timeoutMs,
      deadlineMs: options.deadlineMs,
      maxAttempts: options.maxAttempts,
      baseDelayMs: options.baseDelayMs,
    });
    this.http = createHttpClient({
      system: SYSTEM,
      policy: this.policy,
      baseURL: this.apiRoot.href,
      headers: { 'PRIVATE-TOKEN': options.token, Accept: 'application/json' },
      onRetry: (info) => {
        // A 429 says the request was not processed; no answer or a 5xx says nothing either way.
        if (info.status === undefined || info.status >= 500)
          this.unanswered.add(`${info.method} ${info.url}`);
        options.onRetry?.({
          attempt: info.attempt,
          delayMs: info.delayMs,
          status: info.status,
          method: info.method,
        });
      },
    });
  }

  /** HTTP requests sent, retries included (for benchmarks and run summaries). */
  get calls(): number {
    return this.policy.calls;
  }

  /**
   * Every user, one array per page, in id order. Follows the `Link: <...>; rel="next"` header of
   * keyset pagination until it is absent. Throws on the first page that fails after retries, on a
   * page without the admin-only fields, and on a user id read twice (an inconsistent pagination).
   */
  async *listUsers(): AsyncGenerator<GitLabUser[]> {
    let url: string | undefined = `users?pagination=keyset&order_by=id&sort=asc&per_page=${this.perPage}`;
    const visited = new Set<string>();
    const seenIds = new Set<number>();
    while (url !== undefined) {
      visited.add(url);
      const response = await this.getPage(url);
      const missing = missingAdminFields(response.data);
      if (missing.length > 0) {
        throw new UpstreamError(
          SYSTEM,
          `the users list lacks ${missing.join(' and ')}, which GitLab sends only to administrators: ` +
            "GITLAB_TOKEN is probably not an administrator's token (or admin mode is on and the token " +
            'lacks the admin_mode scope)',
          response.status,
        );
      }
      const parsed = gitLabUsersPageSchema.safeParse(response.data);
      if (!parsed.success) {
        throw new UpstreamError(SYSTEM, 'unexpected response for a users page', response.status, {
          cause: parsed.error,
        });
      }
      for (const user of parsed.data) {
        if (seenIds.has(user.id)) {
          throw new UpstreamError(
            SYSTEM,
            `user ${user.id} appears twice in the users list: the pagination is inconsistent, so the read cannot be trusted`,
          );
        }
        seenIds.add(user.id);
      }
      yield parsed.data;
      url = this.nextPageUrl(response);
      if (url !== undefined && visited.has(url)) {
        throw new UpstreamError(SYSTEM, 'pagination loops: the next-page link repeats a page already read');
      }
    }
  }

  /** One user's state (`GET /users/:id`), or null when GitLab answers 404 (the user is gone). */
  async getUserState(id: number): Promise<{ id: number; state: string } | null> {
    assertUserId(id);
    let response: AxiosResponse<unknown>;
    try {
      response = await this.http.get<unknown>(`users/${id}`);
    } catch (error) {
      if (isAxiosError(error) && error.response?.status === 404) return null;
      throw upstreamError(`reading user ${id}`, error);
    }
    const parsed = gitLabUserStateSchema.safeParse(response.data);
    if (!parsed.success || parsed.data.id !== id) {
      throw new UpstreamError(SYSTEM, `unexpected response for user ${id}`, response.status);
    }
    return parsed.data;
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

  private async mutate(id: number, action: MutationAction): Promise<MutationResult> {
    assertUserId(id);
    const path = `users/${id}/${action}`;
    const key = `post ${path}`;
    this.unanswered.delete(key);
    let response: AxiosResponse<unknown>;
    try {
      // Repeating a block or an unblock is harmless, so a 5xx or no answer is retried; an attempt
      // that went unanswered is remembered, since GitLab may have made the change (see below).
      response = await this.http.post<unknown>(path, undefined, { retryUnsafe: true });
    } catch (error) {
      const earlierUnanswered = this.unanswered.delete(key);
      const status = isAxiosError(error) ? error.response?.status : undefined;
      if (isAxiosError(error) && status !== undefined) {
        const body: unknown = error.response?.data;
        const everyone = refusalConcernsEveryone(status, body);
        if (everyone !== null) {
          throw new GitLabMutationError(
            `${action} refused with HTTP 403: ${everyone}`,
            status,
            earlierUnanswered,
          );
        }
        if (isPerUserRefusal(status)) return { ok: false, status, message: errorMessage(body, status) };
      }
      const maybeApplied = earlierUnanswered || status === undefined || status >= 500;
      throw new GitLabMutationError(
        `${action} of user ${id} failed: ${failureDetail(error)}`,
        status,
        maybeApplied,
        {
          cause: safeCause(error),
        },
      );
    }
    const earlierUnanswered = this.unanswered.delete(key);
    return interpretMutationAnswer(action, id, response.status, response.data, earlierUnanswered);
  }
}

function assertUserId(id: number): void {
  if (!Number.isSafeInteger(id) || id <= 0) throw new RangeError(`invalid GitLab user id: ${id}`);
}

/** The admin-only fields some user of a page lacks (the key itself, not a null value). */
function missingAdminFields(data: unknown): string[] {
  if (!Array.isArray(data)) return [];
  const users = data.filter((user): user is object => typeof user === 'object' && user !== null);
  return ADMIN_ONLY_FIELDS.filter((field) => users.some((user) => !(field in user)));
}

/**
 * Wraps a failure without keeping the AxiosError itself: it holds the request config, whose
 * headers carry the token, and loggers serialise causes.
 */
function upstreamError(what: string, error: unknown): UpstreamError {
  const status = isAxiosError(error) ? error.response?.status : undefined;
  return new UpstreamError(SYSTEM, `${what} failed: ${failureDetail(error)}`, status, {
    cause: safeCause(error),
  });
}

function failureDetail(error: unknown): string {
  if (!isAxiosError(error)) return error instanceof Error ? error.message : String(error);
  const status = error.response?.status;
  return status === undefined ? (error.code ?? 'no response') : `HTTP ${status}`;
}

function safeCause(error: unknown): unknown {
  return isAxiosError(error) ? new Error(`${error.code ?? 'ERR'}: ${error.message}`) : error;
}
