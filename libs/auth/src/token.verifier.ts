import { createHash, timingSafeEqual } from 'node:crypto';
import { AuthenticationError } from './auth.errors.js';
import type { Principal, RequestWithPrincipal, Role } from './auth.types.js';
import { readBearerToken } from './bearer.util.js';
import { CallerVerifier } from './caller.verifier.js';

/** Shared secrets, for local runs and tests. */
export class TokenVerifier extends CallerVerifier {
  private readonly jobDigest: Buffer;
  private readonly operatorDigest: Buffer | undefined;

  constructor(jobToken: string | undefined, operatorToken: string | undefined) {
    super();
    if (jobToken === undefined || jobToken === '') {
      throw new Error('AuthOptions.jobToken is required in token mode');
    }
    if (operatorToken === jobToken) {
      throw new Error('AuthOptions.operatorToken must differ from jobToken');
    }
    this.jobDigest = digest(jobToken);
    this.operatorDigest =
      operatorToken === undefined || operatorToken === '' ? undefined : digest(operatorToken);
  }

  verify(headers: RequestWithPrincipal['headers']): Principal {
    const presented = digest(readBearerToken(headers.authorization));
    // Both comparisons always run, on equal-length digests, so timing says nothing about either secret.
    const isJob = timingSafeEqual(presented, this.jobDigest);
    const isOperator = this.operatorDigest !== undefined && timingSafeEqual(presented, this.operatorDigest);
    const role: Role | undefined = isJob ? 'job' : isOperator ? 'operator' : undefined;
    if (role === undefined) throw new AuthenticationError('token is not valid');
    return { subject: `token:${role}`, roles: [role], via: 'token' };
  }
}

const digest = (secret: string): Buffer => createHash('sha256').update(secret, 'utf8').digest();
