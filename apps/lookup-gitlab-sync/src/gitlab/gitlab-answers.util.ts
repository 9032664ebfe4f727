import { UpstreamError } from '@app/http';
import { type MutationResult, gitLabErrorSchema } from './gitlab.types.js';

export const SYSTEM = 'GitLab';

export type MutationAction = 'block' | 'unblock';

/**
 * A block/unblock that concerns the whole run, not one user. `maybeApplied` is true when GitLab may
 * have made the change anyway (no answer, a 5xx, an answer GitLab never gives, or an earlier attempt
 * that went unanswered): the change is then "in doubt" and the next run settles it from GitLab's state.
 */
export class GitLabMutationError extends UpstreamError {
  constructor(
    message: string,
    status: number | undefined,
    readonly maybeApplied: boolean,
    options?: { cause?: unknown },
  ) {
    super(SYSTEM, message, status, options);
    this.name = 'GitLabMutationError';
  }
}

/**
 * What GitLab's answer to `POST /users/:id/block|unblock` means. Only GitLab's documented answers
 * are accepted (`lib/api/users.rb`): 201 `true` (done); for a block, 201 `null` (already blocked);
 * for an unblock, 201 `false` (not blocked). Anything else (a 200 HTML maintenance page from a proxy,
 * a 204, another body) is not an answer from GitLab's API and stops the run, in doubt.
 * `earlierUnanswered`: an earlier attempt of this same call got no answer, a timeout or a 5xx, so
 * GitLab may have processed it; then "already blocked" / "not blocked" is our own change.
 */
export function interpretMutationAnswer(
  action: MutationAction,
  userId: number,
  status: number,
  data: unknown,
  earlierUnanswered: boolean,
): MutationResult {
  if (status === 201) {
    if (data === true) return { ok: true };
    if (action === 'block' && data === null) {
      return earlierUnanswered ? { ok: true, afterLostAnswer: true } : { ok: true, unchanged: true };
    }
    if (action === 'unblock' && data === false) {
      return earlierUnanswered
        ? { ok: true, afterLostAnswer: true }
        : { ok: false, status, message: 'GitLab did not unblock the user: not blocked' };
    }
  }
  throw new GitLabMutationError(
    `${action} of user ${userId}: unexpected answer HTTP ${status} with ${describeBody(data)}, ` +
      "which is not one of GitLab's answers (a proxy or maintenance page?)",
    status,
    true,
  );
}

/**
 * Why a 403 to a block/unblock concerns every user, or null when it concerns this user only.
 * GitLab's refusals about one user say why (`403 Forbidden - LDAP blocked users cannot be...`);
 * a token without the `api` scope gets `insufficient_scope`; a caller who is not an administrator
 * (or an admin token without `admin_mode` while admin mode is on) gets a bare `403 Forbidden` from
 * `authenticated_as_admin!`; maintenance mode answers that the instance is read-only.
 */
export function refusalConcernsEveryone(status: number, body: unknown): string | null {
  if (status !== 403) return null;
  const parsed = gitLabErrorSchema.safeParse(body);
  const error = parsed.success && typeof parsed.data.error === 'string' ? parsed.data.error : '';
  const message = errorMessage(body, status);
  if (error === 'insufficient_scope') {
    return 'the token lacks the scope GitLab requires (insufficient_scope): GITLAB_TOKEN needs the api scope';
  }
  if (/^403 Forbidden\s*$/i.test(message)) {
    return "GitLab answered a bare 403 Forbidden, its answer to callers who are not administrators: GITLAB_TOKEN is not an administrator's, or admin mode is on and the token lacks the admin_mode scope";
  }
  if (/read-only|maintenance|admin mode/i.test(message)) {
    return `GitLab refuses changes for now (${message}): maintenance or admin mode`;
  }
  return null;
}

/** 4xx answers about one user; 401 (bad token) and 429 (after retries) concern the whole run. */
export function isPerUserRefusal(status: number): boolean {
  return status >= 400 && status < 500 && status !== 401 && status !== 429;
}

export function errorMessage(body: unknown, status: number): string {
  const parsed = gitLabErrorSchema.safeParse(body);
  const raw = parsed.success ? (parsed.data.message ?? parsed.data.error) : undefined;
  const text = typeof raw === 'string' ? raw : raw === undefined ? `HTTP ${status}` : JSON.stringify(raw);
  return text.slice(0, 300);
}

/** A short, safe description of an unexpected body (the first characters of a text, the kind of a value). */
export function describeBody(data: unknown): string {
  if (data === undefined || data === '') return 'an empty body';
  if (typeof data === 'string') {
    const start = data.replace(/\s+/g, ' ').trim().slice(0, 40);
    return `a text body ("${start}${data.length > 40 ? '...' : ''}")`;
  }
  if (data === null) return 'null';
  if (typeof data === 'boolean' || typeof data === 'number') return String(data);
  return Array.isArray(data) ? 'a JSON array' : 'a JSON object';
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
