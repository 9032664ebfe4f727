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
