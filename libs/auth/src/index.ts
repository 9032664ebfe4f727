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
