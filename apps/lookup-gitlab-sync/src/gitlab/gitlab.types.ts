import { z } from 'zod';

/** One external identity of a GitLab user (SAML, LDAP, OIDC...), as the admin API lists it. */
export const gitLabIdentitySchema = z.object({
  provider: z.string(),
  extern_uid: z.string(),
});

/**
 * A GitLab user as `GET /api/v4/users` returns it to an administrator. Only the fields the sync
 * reads are kept; the rest of GitLab's payload is dropped by zod. `state` stays a string: GitLab
 * has more states than the sync acts on (`ldap_blocked`, `deactivated`, `banned`,
 * `blocked_pending_approval`...) and a new one must not fail the whole read.
 */
export const gitLabUserSchema = z.object({
  id: z.number().int().positive(),
  username: z.string(),
  name: z.string(),
  state: z.string(),
  bot: z.boolean().optional().default(false),
  /** A calendar date (`YYYY-MM-DD`), or null when the user was never active. */
  last_activity_on: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a YYYY-MM-DD date')
    .nullish()
    .transform((value) => value ?? null),
  created_at: z.string().refine((value) => !Number.isNaN(Date.parse(value)), 'must be a date-time'),
  identities: z.array(gitLabIdentitySchema).optional().default([]),
  /** Admin note on the user; read but never written by this service. */
  note: z.string().nullish(),
});

export const gitLabUsersPageSchema = z.array(gitLabUserSchema);

export type GitLabIdentity = z.infer<typeof gitLabIdentitySchema>;
export type GitLabUser = z.infer<typeof gitLabUserSchema>;

/** The two states the sync acts on; every other state is left alone. */
export type ManagedState = 'active' | 'blocked';

export function isManagedState(state: string): state is ManagedState {
  return state === 'active' || state === 'blocked';
}

/** Outcome of a block/unblock call: a refusal by GitLab for one user is a result, not an exception. */
export type MutationResult =
  | {
      ok: true;
      /** GitLab found the user already in the wanted state (block answered `null`). */ unchanged?: true;
    }
  | { ok: false; status: number; message: string };

/** GitLab's error body: `{"message": "..."}` (sometimes an object of field errors) or `{"error": "..."}`. */
export const gitLabErrorSchema = z
  .object({ message: z.unknown().optional(), error: z.unknown().optional() })
  .loose();
