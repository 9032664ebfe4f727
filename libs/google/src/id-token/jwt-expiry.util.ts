/**
 * The `exp` (ms since the epoch) of a JWT, read from its payload without verifying it: the token
 * comes from our own metadata server and is verified by its receiver; we only need to know when to
 * fetch another. Undefined when the token has no readable `exp`.
 */
export function jwtExpiryMs(token: string): number | undefined {
  const payload = token.split('.')[1];
  if (payload === undefined) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof claims.exp === 'number' && Number.isFinite(claims.exp) ? claims.exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}
