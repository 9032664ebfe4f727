export { AuthModule } from './auth.module.js';
export { AuthGuard } from './auth.guard.js';
export { Public, Roles, CurrentPrincipal, IS_PUBLIC_KEY, ROLES_KEY } from './auth.decorators.js';
export {
  AUTH_OPTIONS,
  GOOGLE_JWKS_URL,
  GOOGLE_ISSUERS,
  type AuthMode,
  type AuthOptions,
  type AuthModuleAsyncOptions,
  type Principal,
  type RequestWithPrincipal,
  type Role,
} from './auth.types.js';
export { WebAuthModule } from './web/web-auth.module.js';
export { appendSetCookie, WebAuthGuard } from './web/web-auth.guard.js';
export { WebSessions } from './web/web-sessions.service.js';
export { SignedIn, SignedInPage, CurrentUser, WEB_ROUTE_KEY } from './web/web-auth.decorators.js';
export {
  checkWebAuthRules,
  webAuthOptionsFrom,
  webAuthSchema,
  type WebAuthConfig,
} from './web/web-auth.config.js';
export { CSRF_FIELD, CSRF_HEADER, crossSiteProblem, csrfProblem } from './web/csrf.util.js';
export { IAP_HEADER } from './web/iap.verifier.js';
export {
  ADMIN_ROLE,
  IAP_ISSUER,
  IAP_JWKS_URL,
  WEB_AUTH_OPTIONS,
  type RequestWithWebUser,
  type WebAuthMode,
  type WebAuthModuleAsyncOptions,
  type WebAuthOptions,
  type WebRoleRule,
  type WebUser,
} from './web/web-auth.types.js';
