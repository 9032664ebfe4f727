import type { FactoryProvider, ModuleMetadata } from '@nestjs/common';

/** `oidc`: our own sign-in (authorization code + PKCE, session cookie). `iap`: Google IAP signed us in. */
export type WebAuthMode = 'oidc' | 'iap';

/** Who may hold a role: listed addresses, or members of listed groups (the ID token's groups claim). */
export interface WebRoleRule {
  emails: readonly string[];
  groups: readonly string[];
}

export interface WebAuthOidcOptions {
  /** The provider's issuer URL; its discovery document is read from `<issuer>/.well-known/openid-configuration`. */
  issuerUrl: string;
  clientId: string;
  clientSecret: string;
  /** Ask the provider to end its session too on sign-out, when it publishes an end-session endpoint. */
  endSession: boolean;
}

export interface WebAuthIapOptions {
  /** `/projects/<number>/global/backendServices/<id>` or `/projects/<number>/apps/<id>`. */
  audience: string;
  /** Google's IAP keys (a JWKS); tests serve their own. */
  jwksUrl: string;
}

export interface WebAuthOptions {
  mode: WebAuthMode;
  /** The app's public URL (`https://storage.example.ac.uk`): redirects, cookie security, Origin checks. */
  baseUrl: string;
  oidc?: WebAuthOidcOptions;
  iap?: WebAuthIapOptions;
  /** Signs the session and sign-in cookies and derives CSRF tokens; the first signs, all verify (rotation). */
  sessionSecrets: readonly [string, ...string[]];
  /** The session cookie's name (`__Host-` is prefixed when the cookie is Secure). */
  cookieName: string;
  /** A session ends this long after sign-in, whatever happens. */
  sessionMaxAgeSeconds: number;
  /** A session ends after this long without a request. */
  sessionIdleSeconds: number;
  /** The claim holding group names in the provider's ID token. */
  groupsClaim: string;
  /** The `admin` role. */
  administrators: WebRoleRule;
  /** Further roles the app declares (`data-manager`...), by name. */
  roles?: Readonly<Record<string, WebRoleRule>>;
}

export interface WebAuthModuleAsyncOptions {
  imports?: ModuleMetadata['imports'];
  inject?: FactoryProvider['inject'];
  useFactory: FactoryProvider<WebAuthOptions | Promise<WebAuthOptions>>['useFactory'];
}

/** How the person was identified on this request. */
export type WebUserVia = 'session' | 'iap' | 'bearer';

/** The signed-in person (or, on a route that also takes bearer tokens, the calling service). */
export interface WebUser {
  subject: string;
  email?: string;
  name?: string;
  roles: string[];
  via: WebUserVia;
  /** The CSRF token to put in forms (`_csrf`) or the `X-CSRF-Token` header; absent for bearer callers. */
  csrfToken?: string;
  /** When the session ends at the latest (ISO 8601); absent outside a session. */
  expiresAt?: string;
}

/** What the web guard leaves on the request for handlers and audit rows. */
export interface RequestWithWebUser {
  webUser?: WebUser;
}

export const WEB_AUTH_OPTIONS = Symbol('WEB_AUTH_OPTIONS');
export const IAP_JWKS_URL = 'https://www.gstatic.com/iap/verify/public_key-jwk';
export const IAP_ISSUER = 'https://cloud.google.com/iap';
export const ADMIN_ROLE = 'admin';
