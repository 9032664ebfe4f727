import { AuthenticationError } from './auth.errors.js';

type HeaderValue = string | string[] | undefined;

/**
 * The token of an `Authorization: Bearer <token>` header. The scheme is case-insensitive (RFC 7235);
 * anything else is refused without repeating the header, which may hold a secret.
 */
export function readBearerToken(header: HeaderValue, headerName = 'Authorization'): string {
  if (header === undefined || header === '') {
    throw new AuthenticationError(`missing ${headerName} header`);
  }
  if (Array.isArray(header)) {
    throw new AuthenticationError(`more than one ${headerName} header`);
  }
  const match = /^Bearer +(\S+) *$/i.exec(header);
  if (match?.[1] === undefined) {
    throw new AuthenticationError(`${headerName} header must be "Bearer <token>"`);
  }
  return match[1];
}

const CREDENTIAL_HEADERS = ['authorization', 'x-serverless-authorization'];

/**
 * Refuses a request that carries a credential header twice. Node keeps only the first of two
 * `Authorization` headers in `request.headers`, so without this check the second one would be ignored
 * silently; which one a proxy in front of us read is unknowable, so neither is trusted.
 */
export function assertSingleCredentialHeaders(rawHeaders: readonly string[] | undefined): void {
  if (rawHeaders === undefined) return;
  const seen = new Set<string>();
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]?.toLowerCase() ?? '';
    if (!CREDENTIAL_HEADERS.includes(name)) continue;
    if (seen.has(name)) {
      const spelled = name === 'authorization' ? 'Authorization' : 'X-Serverless-Authorization';
      throw new AuthenticationError(`more than one ${spelled} header`);
    }
    seen.add(name);
  }
}
