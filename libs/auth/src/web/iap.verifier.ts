import type { JWTPayload, JWTVerifyGetKey } from 'jose';
import { AuthenticationError } from '../auth.errors.js';
import { loadJose } from '../jose.loader.js';
import { SignInUnavailableError } from './web-auth.errors.js';
import { IAP_ISSUER, type WebAuthIapOptions } from './web-auth.types.js';

export const IAP_HEADER = 'x-goog-iap-jwt-assertion';
const CLOCK_TOLERANCE_SECONDS = 30;
const JWKS_FETCH_TIMEOUT_MS = 5000;

/** The person IAP signed in, from its signed header. */
export interface IapPerson {
  subject: string;
  email: string;
}

/**
 * Google IAP's signed header (`x-goog-iap-jwt-assertion`): ES256, signed by a key of IAP's JWKS,
 * issuer `https://cloud.google.com/iap`, our backend service or App Engine app as audience,
 * unexpired. Anything else is an AuthenticationError; keys that cannot be fetched are a 503.
 */
export class IapVerifier {
  private keys: Promise<{ jose: typeof import('jose'); keys: JWTVerifyGetKey }> | undefined;

  constructor(private readonly options: WebAuthIapOptions) {}

  async verify(header: string | string[] | undefined): Promise<IapPerson | undefined> {
    if (header === undefined || header === '') return undefined;
    if (Array.isArray(header)) throw new AuthenticationError(`more than one ${IAP_HEADER} header`);
    const { jose, keys } = await this.loadKeys();
    let payload: JWTPayload;
    try {
      ({ payload } = await jose.jwtVerify(header, keys, {
        algorithms: ['ES256'],
        issuer: IAP_ISSUER,
        audience: this.options.audience,
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        requiredClaims: ['exp', 'iat', 'sub', 'email'],
      }));
    } catch (error) {
      throw explain(error, jose.errors);
    }
    if (payload.aud !== this.options.audience)
      throw new AuthenticationError('IAP assertion audience does not match');
    const { sub, email } = payload;
    if (typeof sub !== 'string' || typeof email !== 'string' || email === '') {
      throw new AuthenticationError('IAP assertion has no subject or email');
    }
    return { subject: sub, email };
  }

  private loadKeys(): Promise<{ jose: typeof import('jose'); keys: JWTVerifyGetKey }> {
    this.keys ??= loadJose().then((jose) => {
      const remote = jose.createRemoteJWKSet(new URL(this.options.jwksUrl), {
        timeoutDuration: JWKS_FETCH_TIMEOUT_MS,
      });
      const keys: JWTVerifyGetKey = async (protectedHeader, token) => {
        try {
          return await remote(protectedHeader, token);
        } catch (error) {
          if (
            error instanceof jose.errors.JWKSNoMatchingKey ||
            error instanceof jose.errors.JWKSMultipleMatchingKeys
          ) {
            throw error;
          }
          throw new SignInUnavailableError('could not fetch the IAP signing keys', { cause: error });
        }
      };
      return { jose, keys };
    });
    return this.keys;
  }
}

function explain(error: unknown, errors: typeof import('jose').errors): Error {
  if (error instanceof SignInUnavailableError) return error;
  if (error instanceof errors.JWTExpired) return new AuthenticationError('IAP assertion has expired');
  if (error instanceof errors.JWTClaimValidationFailed) {
    return new AuthenticationError(
      error.claim === 'aud'
        ? 'IAP assertion audience does not match'
        : error.claim === 'iss'
          ? 'IAP assertion issuer is not IAP'
          : `IAP assertion claim "${error.claim}" is not valid`,
    );
  }
  if (error instanceof errors.JOSEAlgNotAllowed)
    return new AuthenticationError('IAP assertion must be ES256');
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return new AuthenticationError('IAP assertion signature is not valid');
  }
  if (error instanceof errors.JWKSNoMatchingKey)
    return new AuthenticationError('IAP assertion is not signed by an IAP key');
  if (error instanceof errors.JOSEError) return new AuthenticationError('IAP assertion is malformed');
  return error instanceof Error ? error : new Error('IAP assertion verification failed', { cause: error });
}
