import type { FactoryProvider, ModuleMetadata } from '@nestjs/common';

export type AuthMode = 'token' | 'oidc' | 'iam';
/**
 * `job`: schedulers and task queues, which run jobs. `operator`: people and their tools.
 * `export`: the downstream puller of an export, which may read that export and nothing else.
 * `viewer`: people and tools that read an app's operator views (e.g. ella-ops) and change nothing.
 */
export type Role = 'job' | 'operator' | 'export' | 'viewer';

/** Who called: set on `request.principal` by the guard and injected with `@CurrentPrincipal()`. */
export interface Principal {
  /** `token:job` / `token:operator` / `token:export` / `token:viewer` in token mode, the token's `sub` claim otherwise. */
  subject: string;
  email?: string;
  roles: Role[];
  via: AuthMode;
}

export interface AuthOptions {
  mode: AuthMode;
  /** token mode: shared secret for job callers. */
  jobToken?: string;
  /** token mode: shared secret for operators; unset means no one is an operator in token mode. */
  operatorToken?: string;
  /** token mode: shared secret for the export puller; unset means no one has the export role in token mode. */
  exportToken?: string;
  /** token mode: shared secret for read-only viewers; unset means no one is a viewer in token mode. */
  viewerToken?: string;
  /** oidc mode: the exact `aud` a token must carry. */
  audience?: string;
  /** oidc/iam: service accounts allowed to call job endpoints. */
  jobEmails: string[];
  /** oidc/iam: people and accounts allowed to call operator endpoints. */
  operatorEmails: string[];
  /** oidc/iam: service accounts allowed to read exports (and nothing else). */
  exportEmails?: string[];
  /** oidc/iam: people and accounts with the read-only viewer role. */
  viewerEmails?: string[];
  /** oidc: where Google's signing keys are published. Defaults to {@link GOOGLE_JWKS_URL}. */
  jwksUrl?: string;
  /**
   * oidc: minimum time between two key-set fetches triggered by an unknown `kid` (default 30 s),
   * so a stream of forged key ids cannot make us hammer the key endpoint. Tests lower it.
   */
  jwksCooldownMs?: number;
}

export interface AuthModuleAsyncOptions {
  imports?: ModuleMetadata['imports'];
  inject?: FactoryProvider['inject'];
  useFactory: FactoryProvider<AuthOptions | Promise<AuthOptions>>['useFactory'];
}

/** The request as the guard leaves it: other code (audit rows, "approved by") reads `principal`. */
export interface RequestWithPrincipal {
  headers: Record<string, string | string[] | undefined>;
  /** Header names and values as received; Node keeps only the first of duplicate Authorization headers. */
  rawHeaders?: string[];
  principal?: Principal;
}

export const AUTH_OPTIONS = Symbol('AUTH_OPTIONS');
export const GOOGLE_JWKS_URL = 'https://www.googleapis.com/oauth2/v3/certs';
/** Google documents both spellings as valid issuers of its ID tokens; nothing else is accepted. */
export const GOOGLE_ISSUERS = ['https://accounts.google.com', 'accounts.google.com'];
