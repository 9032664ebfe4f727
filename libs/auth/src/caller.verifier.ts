import type { Principal, RequestWithPrincipal } from './auth.types.js';

/**
 * Turns a request's headers into the caller's identity, or throws `AuthenticationError` (401) or
 * `SigningKeysUnavailableError` (503). Whether that identity may call a given route is the guard's
 * decision, so a principal may come back with no roles at all.
 */
export abstract class CallerVerifier {
  abstract verify(headers: RequestWithPrincipal['headers']): Principal | Promise<Principal>;
}
