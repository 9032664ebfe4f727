import { timingSafeEqual } from 'node:crypto';
import { keyedDigests } from './signed-value.util.js';

/** Methods that change nothing, by HTTP's rules; everything else needs a CSRF token with a session. */
export const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** The form field and the header a CSRF token is accepted from. */
export const CSRF_FIELD = '_csrf';
export const CSRF_HEADER = 'x-csrf-token';

/** The synchronizer token of a session (its random id), made with the current secret. */
export function csrfTokenFor(sessionKey: string, secrets: readonly string[]): string {
  const [token] = keyedDigests('csrf', sessionKey, secrets.slice(0, 1));
  if (token === undefined) throw new Error('csrfTokenFor needs a secret');
  return token;
}

/** Whether `presented` is the session's token under any of the secrets (a form made before a rotation). */
export function isCsrfTokenValid(presented: string, sessionKey: string, secrets: readonly string[]): boolean {
  const given = Buffer.from(presented, 'utf8');
  let valid = false;
  for (const expected of keyedDigests('csrf', sessionKey, secrets)) {
    const wanted = Buffer.from(expected, 'utf8');
    if (given.length === wanted.length && timingSafeEqual(given, wanted)) valid = true;
  }
  return valid;
}

export interface CsrfRequest {
  method: string;
  headers: Record<string, string | string[] | undefined>;
  body?: unknown;
}

/**
 * Why a state-changing request made with a session must be refused, or undefined when it may go on.
 * Browsers say where a request comes from (`Sec-Fetch-Site`, `Origin`): another site is refused
 * outright. Then the session's token must come back in the `_csrf` form field or `X-CSRF-Token`.
 */
export function csrfProblem(
  request: CsrfRequest,
  expectedOrigin: string,
  sessionKey: string,
  secrets: readonly string[],
): string | undefined {
  if (SAFE_METHODS.has(request.method.toUpperCase())) return undefined;
  const crossSite = crossSiteProblem(request, expectedOrigin);
  if (crossSite !== undefined) return crossSite;
  const fromHeader = single(request.headers[CSRF_HEADER]);
  const body = request.body;
  const fromForm =
    typeof body === 'object' && body !== null && CSRF_FIELD in body
      ? (body as Record<string, unknown>)[CSRF_FIELD]
      : undefined;
  const presented = fromHeader ?? (typeof fromForm === 'string' ? fromForm : undefined);
  if (presented === undefined || presented === '') {
    return `missing CSRF token: send the ${CSRF_FIELD} form field or the X-CSRF-Token header`;
  }
  if (!isCsrfTokenValid(presented, sessionKey, secrets)) return 'CSRF token is not valid for this session';
  return undefined;
}

/**
 * Why a request is refused as coming from another site, or undefined: a `Sec-Fetch-Site` that is
 * present and not `same-origin`, or an `Origin` that is present and not this site.
 */
export function crossSiteProblem(
  request: Pick<CsrfRequest, 'headers'>,
  expectedOrigin: string,
): string | undefined {
  const site = single(request.headers['sec-fetch-site']);
  if (site !== undefined && site !== 'same-origin') {
    return `cross-site request refused (Sec-Fetch-Site: ${site.slice(0, 20)})`;
  }
  const origin = single(request.headers.origin);
  if (origin !== undefined && origin !== expectedOrigin) {
    return 'cross-origin request refused (Origin is not this site)';
  }
  return undefined;
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
