import {
  type CanActivate,
  type ExecutionContext,
  ForbiddenException,
  HttpException,
  Inject,
  Injectable,
  Logger,
  Optional,
  ServiceUnavailableException,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthenticationError, SigningKeysUnavailableError } from '../auth.errors.js';
import type { RequestWithPrincipal } from '../auth.types.js';
import { assertSingleCredentialHeaders } from '../bearer.util.js';
import { CallerVerifier } from '../caller.verifier.js';
import { csrfProblem } from './csrf.util.js';
import { returnToProblem } from './return-to.util.js';
import { hasAnyRole } from './roles.util.js';
import { WEB_ROUTE_KEY, type WebRouteRule } from './web-auth.decorators.js';
import { SignInUnavailableError } from './web-auth.errors.js';
import type { RequestWithWebUser, WebUser } from './web-auth.types.js';
import { WebSessions } from './web-sessions.service.js';

interface WebRequest extends RequestWithPrincipal, RequestWithWebUser {
  method: string;
  originalUrl: string;
  body?: unknown;
}

interface WebResponse {
  setHeader(name: string, value: string | string[]): unknown;
  getHeader(name: string): unknown;
}

/**
 * Registered as APP_GUARD by WebAuthModule; acts on `@SignedIn` / `@SignedInPage` routes only (the
 * bearer-token AuthGuard leaves those to it). Order of checks: who (session or IAP header; else a
 * bearer token; else 401 or a redirect to sign in), CSRF on state-changing requests made with a
 * session (403), then the route's roles (403).
 */
@Injectable()
export class WebAuthGuard implements CanActivate {
  private readonly logger = new Logger(WebAuthGuard.name);

  constructor(
    private readonly reflector: Reflector,
    private readonly sessions: WebSessions,
    @Optional() @Inject(CallerVerifier) private readonly bearer?: CallerVerifier,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const rule = this.reflector.getAllAndOverride<WebRouteRule | undefined>(WEB_ROUTE_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (rule === undefined) return true;
    const http = context.switchToHttp();
    const request = http.getRequest<WebRequest>();
    const response = http.getResponse<WebResponse>();
    const identified = await this.identify(request);
    if (identified.kind === 'refused' && identified.clearCookie) {
      appendSetCookie(response, this.sessions.clearSessionCookie());
    }
    if (identified.kind !== 'user') {
      const problem = identified.kind === 'refused' ? identified.problem : 'sign in first';
      // Behind IAP there is no sign-in of ours to send a browser to (IAP itself would have).
      if (rule.page && this.sessions.oidc !== undefined)
        throw this.signInRedirect(request, response, problem);
      response.setHeader('WWW-Authenticate', 'Bearer');
      throw new UnauthorizedException(problem);
    }
    const { user } = identified;
    request.webUser = user;
    if (identified.sessionKey !== undefined) {
      const problem = csrfProblem(
        request,
        this.sessions.options.baseUrl,
        identified.sessionKey,
        this.sessions.options.sessionSecrets,
      );
      if (problem !== undefined) throw new ForbiddenException(problem);
    }
    if (identified.renewedCookie !== undefined) appendSetCookie(response, identified.renewedCookie);
    if (!hasAnyRole(user.roles, rule.roles)) {
      throw new ForbiddenException(
        `${user.email ?? user.subject} does not have the ${rule.roles.join(' or ')} role this needs`,
      );
    }
    return true;
  }

  /** The session (or IAP header) first; with neither, a bearer token when the app has AuthModule. */
  private async identify(
    request: WebRequest,
  ): Promise<
    | { kind: 'user'; user: WebUser; sessionKey?: string; renewedCookie?: string }
    | { kind: 'none' }
    | { kind: 'refused'; problem: string; clearCookie: boolean }
  > {
    let identified;
    try {
      identified = await this.sessions.identify(request);
    } catch (error) {
      if (error instanceof SignInUnavailableError) {
        this.logger.error(`${error.message}: ${String(error.cause)}`);
        throw new ServiceUnavailableException(error.message);
      }
      throw error;
    }
    if (identified.kind !== 'none' || this.bearer === undefined) return identified;
    if (
      request.headers.authorization === undefined &&
      request.headers['x-serverless-authorization'] === undefined
    ) {
      return identified;
    }
    try {
      assertSingleCredentialHeaders(request.rawHeaders);
      const principal = await this.bearer.verify(request.headers);
      request.principal = principal;
      return {
        kind: 'user',
        user: {
          subject: principal.subject,
          ...(principal.email === undefined ? {} : { email: principal.email }),
          roles: [...principal.roles],
          via: 'bearer',
        },
      };
    } catch (error) {
      if (error instanceof AuthenticationError)
        return { kind: 'refused', problem: error.message, clearCookie: false };
      if (error instanceof SigningKeysUnavailableError) throw new ServiceUnavailableException(error.message);
      throw error;
    }
  }

  /** A 302 to `/auth/login` that brings the browser back here (the filter sends it with the Location set). */
  private signInRedirect(request: WebRequest, response: WebResponse, problem: string): HttpException {
    const here = request.originalUrl;
    const returnTo = returnToProblem(here) === undefined ? here : '/';
    const location = `/auth/login?${new URLSearchParams({ returnTo }).toString()}`;
    response.setHeader('Location', location);
    return new HttpException({ statusCode: 302, message: problem, location }, 302);
  }
}

/** Adds a Set-Cookie header without dropping those already set on the response. */
export function appendSetCookie(response: WebResponse, cookie: string): void {
  const existing = response.getHeader('Set-Cookie');
  const list = Array.isArray(existing)
    ? existing.map(String)
    : typeof existing === 'string'
      ? [existing]
      : [];
  response.setHeader('Set-Cookie', [...list, cookie]);
}
