import { createHash, timingSafeEqual } from 'node:crypto';
import { AuthenticationError } from './auth.errors.js';
import type { Principal, RequestWithPrincipal, Role } from './auth.types.js';
import { readBearerToken } from './bearer.util.js';
import { CallerVerifier } from './caller.verifier.js';

/** Shared secrets, for local runs and tests: one per role (job required, operator, export and viewer optional). */
export class TokenVerifier extends CallerVerifier {
  private readonly digests: { role: Role; digest: Buffer }[];

  constructor(
    jobToken: string | undefined,
    operatorToken?: string,
    exportToken?: string,
    viewerToken?: string,
  ) {
    super();
    if (jobToken === undefined || jobToken === '') {
      throw new Error('AuthOptions.jobToken is required in token mode');
    }
    if (operatorToken === jobToken) {
      throw new Error('AuthOptions.operatorToken must differ from jobToken');
    }
    if (exportToken !== undefined && exportToken !== '' && [jobToken, operatorToken].includes(exportToken)) {
      throw new Error('AuthOptions.exportToken must differ from jobToken and operatorToken');
    }
    if (
      viewerToken !== undefined &&
      viewerToken !== '' &&
      [jobToken, operatorToken, exportToken].includes(viewerToken)
    ) {
      throw new Error('AuthOptions.viewerToken must differ from jobToken, operatorToken and exportToken');
    }
    this.digests = [{ role: 'job', digest: digest(jobToken) }];
    if (operatorToken !== undefined && operatorToken !== '') {
      this.digests.push({ role: 'operator', digest: digest(operatorToken) });
    }
    if (exportToken !== undefined && exportToken !== '') {
      this.digests.push({ role: 'export', digest: digest(exportToken) });
    }
    if (viewerToken !== undefined && viewerToken !== '') {
      this.digests.push({ role: 'viewer', digest: digest(viewerToken) });
    }
  }

  verify(headers: RequestWithPrincipal['headers']): Principal {
    const presented = digest(readBearerToken(headers.authorization));
    // Every comparison runs, on equal-length digests, so timing says nothing about any secret.
    let role: Role | undefined;
    for (const candidate of this.digests) {
      if (timingSafeEqual(presented, candidate.digest)) role ??= candidate.role;
    }
    if (role === undefined) throw new AuthenticationError('token is not valid');
    return { subject: `token:${role}`, roles: [role], via: 'token' };
  }
}

const digest = (secret: string): Buffer => createHash('sha256').update(secret, 'utf8').digest();
