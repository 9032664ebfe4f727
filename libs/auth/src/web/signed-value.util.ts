import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * A small signed value for cookies: `<base64url JSON>.<base64url HMAC-SHA256>`. The MAC covers a
 * purpose as well as the body, so a value made for one use (the sign-in state) never passes as
 * another (the session). The first secret signs; every secret verifies, so a secret can be rotated
 * without signing everyone out: put the new one first and keep the old one after it for a while.
 */
export function signValue(purpose: string, payload: object, secrets: readonly string[]): string {
  const [secret] = secrets;
  if (secret === undefined) throw new Error('signValue needs a secret');
  const body = Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
  return `${body}.${mac(purpose, body, secret).toString('base64url')}`;
}

/** The payload of a value `signValue` made for `purpose` with one of `secrets`, or undefined. */
export function verifySignedValue(purpose: string, value: string, secrets: readonly string[]): unknown {
  const parts = value.split('.');
  if (parts.length !== 2) return undefined;
  const [body = '', given = ''] = parts;
  if (!/^[A-Za-z0-9_-]+$/.test(body) || !/^[A-Za-z0-9_-]{43}$/.test(given)) return undefined;
  const presented = Buffer.from(given, 'base64url');
  // Every secret is tried, so the time taken does not say which one matched.
  let valid = false;
  for (const secret of secrets) {
    if (timingSafeEqual(presented, mac(purpose, body, secret))) valid = true;
  }
  if (!valid) return undefined;
  try {
    return JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

/** A keyed digest of `text` for `purpose` (CSRF tokens), base64url, with each secret in turn. */
export function keyedDigests(purpose: string, text: string, secrets: readonly string[]): string[] {
  return secrets.map((secret) => mac(purpose, text, secret).toString('base64url'));
}

function mac(purpose: string, body: string, secret: string): Buffer {
  return createHmac('sha256', secret).update(`${purpose}|${body}`, 'utf8').digest();
}
