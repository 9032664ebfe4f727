import type { errors, JWTVerifyGetKey } from 'jose';
import { AuthenticationError, SigningKeysUnavailableError } from './auth.errors.js';
import {
  type AuthOptions,
  GOOGLE_ISSUERS,
  GOOGLE_JWKS_URL,
  type Principal,
  type RequestWithPrincipal,
} from './auth.types.js';
import { readBearerToken } from './bearer.util.js';
import { CallerVerifier } from './caller.verifier.js';
import { EmailAllowList, principalFromClaims } from './email-claims.util.js';
import { loadJose } from './jose.loader.js';

const CLOCK_TOLERANCE_SECONDS = 30;
const JWKS_FETCH_TIMEOUT_MS = 5000;

/** Google-signed ID tokens (Cloud Scheduler / Cloud Tasks OIDC tokens, `gcloud auth print-identity-token`). */
export class OidcVerifier extends CallerVerifier {
  private readonly audience: string;
  private readonly jwksUrl: URL;
  private readonly jwksCooldownMs: number | undefined;
  private readonly allowList: EmailAllowList;
  /** jose and the key set, made on the first token (see `loadJose`). */
  private jose: Promise<{ jose: typeof import('jose'); keys: JWTVerifyGetKey }> | undefined;

  constructor(options: AuthOptions) {
    super();
    if (options.audience === undefined || options.audience === '') {
      throw new Error('AuthOptions.audience is required in oidc mode');
    }
    this.audience = options.audience;
    this.allowList = new EmailAllowList(
      options.jobEmails,
      options.operatorEmails,
      options.exportEmails,
      options.viewerEmails,
    );
    this.jwksUrl = new URL(options.jwksUrl ?? GOOGLE_JWKS_URL);
    this.jwksCooldownMs = options.jwksCooldownMs;
  }

  private loadKeys(): Promise<{ jose: typeof import('jose'); keys: JWTVerifyGetKey }> {
    this.jose ??= loadJose().then((jose) => {
      const { errors } = jose;
      // jose caches the key set, refetches it when it is older than 10 minutes, and at most once per
      // cooldown when a token names a `kid` it does not hold (Google rotates its keys).
      const remote = jose.createRemoteJWKSet(this.jwksUrl, {
        timeoutDuration: JWKS_FETCH_TIMEOUT_MS,
        ...(this.jwksCooldownMs === undefined ? {} : { cooldownDuration: this.jwksCooldownMs }),
      });
      const keys: JWTVerifyGetKey = async (header, token) => {
        try {
          return await remote(header, token);
        } catch (error) {
          if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) {
            throw error;
          }
          throw new SigningKeysUnavailableError('could not fetch the token signing keys', { cause: error });
        }
      };
      return { jose, keys };
    });
    return this.jose;
  }

  async verify(headers: RequestWithPrincipal['headers']): Promise<Principal> {
    const token = readBearerToken(headers.authorization);
    const { jose, keys } = await this.loadKeys();
    let payload;
    try {
      ({ payload } = await jose.jwtVerify(token, keys, {
        algorithms: ['RS256'],
        audience: this.audience,
        issuer: GOOGLE_ISSUERS,
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        requiredClaims: ['exp'],
      }));
    } catch (error) {
      throw explain(error, jose.errors);
    }
    // jose accepts an `aud` array that contains the audience; we want exactly one audience.
    if (payload.aud !== this.audience) throw new AuthenticationError('token audience does not match');
    return principalFromClaims(payload, 'oidc', this.allowList, true);
  }
}

/** jose's error as a reason a caller can act on; never quotes the token. */
function explain(error: unknown, errors: typeof import('jose').errors): Error {
  if (error instanceof SigningKeysUnavailableError) return error;
  if (error instanceof errors.JWTExpired) return new AuthenticationError('token has expired');
  if (error instanceof errors.JWTClaimValidationFailed) return new AuthenticationError(claimReason(error));
  if (error instanceof errors.JOSEAlgNotAllowed) {
    return new AuthenticationError('token algorithm is not allowed (only RS256 is accepted)');
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return new AuthenticationError('token signature is not valid');
  }
  if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) {
    return new AuthenticationError('token is not signed by a known Google key');
  }
  if (error instanceof errors.JOSEError) return new AuthenticationError('token is malformed');
  return error instanceof Error ? error : new Error('token verification failed', { cause: error });
}

function claimReason(error: InstanceType<typeof errors.JWTClaimValidationFailed>): string {
  switch (error.claim) {
    case 'aud':
      return 'token audience does not match';
    case 'iss':
      return 'token issuer is not Google';
    case 'nbf':
      return 'token is not valid yet';
    case 'exp':
      return 'token has no valid expiry';
    case 'iat':
      return 'token issue time is not valid';
    default:
      return `token claim "${error.claim}" is not valid`;
  }
}
