import { createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import type { RequestWithWebUser, WebUser } from './web-auth.types.js';

export const WEB_ROUTE_KEY = 'auth:web-route';

/** How a route signs people in: its roles (any one is enough; none: anyone signed in) and whether it is a page. */
export interface WebRouteRule {
  roles: string[];
  /** A page sends an unauthenticated browser to sign in; an API route answers 401 JSON. */
  page: boolean;
}

/**
 * An API route for signed-in people (session cookie, or IAP's header in IAP mode), and for
 * bearer-token callers whose role is listed. Unauthenticated: 401 JSON; without a listed role: 403.
 * State-changing methods with a session need the CSRF token.
 */
export const SignedIn = (...roles: string[]): MethodDecorator & ClassDecorator =>
  SetMetadata(WEB_ROUTE_KEY, { roles, page: false } satisfies WebRouteRule);

/** A page for signed-in people: as `@SignedIn`, but an unauthenticated browser is redirected to sign in. */
export const SignedInPage = (...roles: string[]): MethodDecorator & ClassDecorator =>
  SetMetadata(WEB_ROUTE_KEY, { roles, page: true } satisfies WebRouteRule);

/** The person the web guard identified. Using it on a route without `@SignedIn`/`@SignedInPage` throws. */
export const CurrentUser = createParamDecorator((_data: unknown, context: ExecutionContext): WebUser => {
  const { webUser } = context.switchToHttp().getRequest<RequestWithWebUser>();
  if (webUser === undefined) {
    throw new Error('@CurrentUser() used on a route without @SignedIn() or @SignedInPage()');
  }
  return webUser;
});
