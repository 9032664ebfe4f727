import type { JWTPayload } from 'jose';
import { AuthenticationError } from './auth.errors.js';
import type { AuthMode, Principal, Role } from './auth.types.js';

/** The email allow-lists of oidc and iam modes. Emails compare case-insensitively, as Google's do. */
export class EmailAllowList {
  private readonly job: Set<string>;
  private readonly operator: Set<string>;
  private readonly export: Set<string>;
  private readonly viewer: Set<string>;

  constructor(
    jobEmails: readonly string[],
    operatorEmails: readonly string[],
    exportEmails: readonly string[] = [],
    viewerEmails: readonly string[] = [],
  ) {
    this.job = new Set(jobEmails.map(normalise));
    this.operator = new Set(operatorEmails.map(normalise));
    this.export = new Set(exportEmails.map(normalise));
    this.viewer = new Set(viewerEmails.map(normalise));
  }

  rolesFor(email: string): Role[] {
    const key = normalise(email);
    const roles: Role[] = [];
    if (this.job.has(key)) roles.push('job');
    if (this.operator.has(key)) roles.push('operator');
    if (this.export.has(key)) roles.push('export');
    if (this.viewer.has(key)) roles.push('viewer');
    return roles;
  }
}

const normalise = (email: string) => email.trim().toLowerCase();

/**
 * The principal named by an ID token's claims. An unverified email does not identify anyone, so it
 * is an authentication failure (401), not a refusal. With `requireEmailVerified` false (iam mode),
 * `email_verified` is only checked when the token carries it.
 */
export function principalFromClaims(
  payload: JWTPayload,
  via: AuthMode,
  allowList: EmailAllowList,
  requireEmailVerified: boolean,
): Principal {
  const { email, email_verified: emailVerified, sub } = payload;
  if (typeof email !== 'string' || email === '') {
    throw new AuthenticationError('token has no email claim');
  }
  if (emailVerified !== true && (requireEmailVerified || emailVerified !== undefined)) {
    throw new AuthenticationError('token email is not verified');
  }
  return {
    subject: typeof sub === 'string' && sub !== '' ? sub : email,
    email,
    roles: allowList.rolesFor(email),
    via,
  };
}
