import { createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import type { Principal, RequestWithPrincipal, Role } from './auth.types.js';

export const IS_PUBLIC_KEY = 'auth:public';
export const ROLES_KEY = 'auth:roles';

/** Opens a route (or every route of a controller) to anyone: health checks, docs. */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC_KEY, true);

/**
 * The roles that may call a route; any one of them is enough. A route without `@Roles` needs `job`.
 * On a method it overrides the controller's.
 */
export const Roles = (...roles: [Role, ...Role[]]): MethodDecorator & ClassDecorator =>
  SetMetadata(ROLES_KEY, roles);

/** The authenticated caller. Using it on a `@Public()` route is a programming error and throws. */
export const CurrentPrincipal = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Principal => {
    const { principal } = context.switchToHttp().getRequest<RequestWithPrincipal>();
    if (principal === undefined) {
      throw new Error(
        '@CurrentPrincipal() used on a route the auth guard did not authenticate (is it @Public()?)',
      );
    }
    return principal;
  },
);
