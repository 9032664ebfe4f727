import type { HttpException } from '@nestjs/common';

interface HeaderTarget {
  setHeader(name: string, value: string): unknown;
}

/**
 * The pages' Content-Security-Policy, stricter than the API's: nothing inline (script or style),
 * scripts, styles and images only from this site, forms only to this site and `formTargets` (the
 * sign-in provider, for sign-out), never framed.
 */
export function pagesCsp(formTargets: readonly string[] = []): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self'",
    "connect-src 'self'",
    `form-action ${["'self'", ...formTargets].join(' ')}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');
}

/** The form targets of a page CSP for an app signing in with this OIDC issuer (none behind IAP). */
export function signInFormTargets(issuerUrl: string | undefined): string[] {
  return issuerUrl === undefined ? [] : [new URL(issuerUrl).origin];
}

/**
 * A page's headers: its CSP, no caching of personal pages, and a Referrer-Policy that keeps the
 * CSRF check working. The platform's `no-referrer` makes browsers send `Origin: null` with a form,
 * which the CSRF check refuses; `same-origin` keeps the Origin on this site's own forms and still
 * sends nothing elsewhere.
 */
export function setPageHeaders(res: HeaderTarget, csp: string): void {
  res.setHeader('Content-Security-Policy', csp);
  res.setHeader('Cache-Control', 'private, no-store');
  res.setHeader('Referrer-Policy', 'same-origin');
}

/** The message an HttpException carries for people (its body's `message`, joined when a list). */
export function httpMessageOf(exception: HttpException): string {
  const body = exception.getResponse();
  if (typeof body === 'string') return body;
  if (typeof body === 'object' && body !== null && 'message' in body) {
    const m = body.message;
    if (typeof m === 'string') return m;
    if (Array.isArray(m)) return m.join('; ');
  }
  return exception.message;
}
