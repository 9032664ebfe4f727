/** Longest `returnTo` accepted: a local path and query, not a data dump. */
export const MAX_RETURN_TO_LENGTH = 2000;

/**
 * Why `returnTo` is not a local path of this app, or undefined when it is. Only a path on this
 * origin is accepted (`/accounts/7?tab=members`): no scheme, no host, no `//host` or `/\host`
 * (browsers read both as another host), no backslashes, no control or space characters, and it must
 * still point here once a URL parser has resolved it.
 */
export function returnToProblem(returnTo: string): string | undefined {
  if (returnTo.length > MAX_RETURN_TO_LENGTH) return `must be at most ${MAX_RETURN_TO_LENGTH} characters`;
  if (!returnTo.startsWith('/')) return 'must be a path on this site, starting with /';
  if (returnTo.startsWith('//')) return 'must be a path on this site, not another host';
  // Backslashes and C0/C1 controls or spaces turn into slashes or vanish in some browsers.
  if (/[\\\s\p{Cc}]/u.test(returnTo)) return 'must not contain backslashes, spaces or control characters';
  const base = 'http://return-to.invalid';
  let resolved: URL;
  try {
    resolved = new URL(returnTo, base);
  } catch {
    return 'must be a valid path';
  }
  if (resolved.origin !== base) return 'must be a path on this site, not another host';
  return undefined;
}
