import type { JWTPayload } from 'jose';
import { AuthenticationError } from './auth.errors.js';
import type { AuthOptions, Principal, RequestWithPrincipal } from './auth.types.js';
import { readBearerToken } from './bearer.util.js';
import { CallerVerifier } from './caller.verifier.js';
import { EmailAllowList, principalFromClaims } from './email-claims.util.js';
import { loadJose } from './jose.loader.js';

/**
 * ONLY SAFE BEHIND CLOUD RUN'S INVOKER IAM CHECK (service deployed without
 * `--allow-unauthenticated`). Cloud Run has already verified the ID token's signature, audience and
 * expiry and refused callers without `roles/run.invoker`; it may also strip the signature before
 * forwarding the token. So this mode only decodes the payload and checks the email claim against
 * the allow-lists. Exposed any other way, anyone could forge a token and pass.
 *
 * When a caller sends `X-Serverless-Authorization`, Cloud Run checks that header instead of
 * `Authorization`, so that is the one we must read; otherwise an unchecked `Authorization` header
 * could name someone else.
 */
export class IamVerifier extends CallerVerifier {
  private readonly allowList: EmailAllowList;

  constructor(options: AuthOptions) {
    super();
    this.allowList = new EmailAllowList(
      options.jobEmails,
      options.operatorEmails,
      options.exportEmails,
      options.viewerEmails,
    );
  }

  async verify(headers: RequestWithPrincipal['headers']): Promise<Principal> {
    const serverless = headers['x-serverless-authorization'];
    const token =
      serverless === undefined
        ? readBearerToken(headers.authorization)
        : readBearerToken(serverless, 'X-Serverless-Authorization');
    const { decodeJwt } = await loadJose();
    let payload: JWTPayload;
    try {
      payload = decodeJwt(token);
    } catch {
      throw new AuthenticationError('token is malformed');
    }
    return principalFromClaims(payload, 'iam', this.allowList, false);
  }
}
