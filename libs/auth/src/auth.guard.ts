import {
  type CanActivate,
  type ExecutionContext,
  ForbiddenException,
  Inject,
  Injectable,
  Logger,
  Optional,
  ServiceUnavailableException,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { IS_PUBLIC_KEY, ROLES_KEY } from './auth.decorators.js';
import { AuthenticationError, SigningKeysUnavailableError } from './auth.errors.js';
import type { Principal, RequestWithPrincipal, Role } from './auth.types.js';
import { assertSingleCredentialHeaders } from './bearer.util.js';
import { CallerVerifier } from './caller.verifier.js';
import { WEB_ROUTE_KEY } from './web/web-auth.decorators.js';
import { WEB_AUTH_OPTIONS, type WebAuthOptions } from './web/web-auth.types.js';

const DEFAULT_ROLES: Role[] = ['job'];

interface ResponseWithHeaders {
  setHeader(name: string, value: string): unknown;
}

/**
 * Registered as APP_GUARD by AuthModule: every route needs a caller unless it is `@Public()`.
 * 401 when the caller cannot be identified, 403 when it is identified but lacks the route's role.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly logger = new Logger(AuthGuard.name);

  constructor(
    private readonly reflector: Reflector,
    private readonly verifier: CallerVerifier,
    @Optional() @Inject(WEB_AUTH_OPTIONS) private readonly webAuth?: WebAuthOptions,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean | undefined>(IS_PUBLIC_KEY, targets) === true) return true;
    // `@SignedIn` / `@SignedInPage` routes are WebAuthGuard's (sessions, and bearer tokens it checks
    // with the same verifier). Without WebAuthModule such a route must not fall open: it is a fault.
    if (this.reflector.getAllAndOverride<unknown>(WEB_ROUTE_KEY, targets) !== undefined) {
      if (this.webAuth === undefined) {
        throw new Error('a @SignedIn()/@SignedInPage() route needs WebAuthModule imported in the app');
      }
      return true;
    }

    const http = context.switchToHttp();
    const request = http.getRequest<RequestWithPrincipal>();
    const principal = await this.authenticate(request, http.getResponse<ResponseWithHeaders>());
    // Set before the role check, so a refused call can still be attributed (audit, logs).
    request.principal = principal;

    const required =
      this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets) ?? DEFAULT_ROLES;
    if (!required.some((role) => principal.roles.includes(role))) {
      const caller = principal.email ?? principal.subject;
      throw new ForbiddenException(
        `caller ${caller} is not allowed to call ${required.join(' or ')} endpoints`,
      );
    }
    return true;
  }

  private async authenticate(
    request: RequestWithPrincipal,
    response: ResponseWithHeaders,
  ): Promise<Principal> {
    try {
      assertSingleCredentialHeaders(request.rawHeaders);
      return await this.verifier.verify(request.headers);
    } catch (error) {
      if (error instanceof AuthenticationError) {
        response.setHeader('WWW-Authenticate', 'Bearer');
        throw new UnauthorizedException(error.message);
      }
      if (error instanceof SigningKeysUnavailableError) {
        this.logger.error(`${error.message}: ${String(error.cause)}`);
        throw new ServiceUnavailableException(error.message);
      }
      throw error;
    }
  }
}
