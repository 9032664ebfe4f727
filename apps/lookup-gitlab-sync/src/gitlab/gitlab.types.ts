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
 * `last_activity_on` and `identities` must be present (null and [] are answers; absent is not):
 * GitLab sends them only to administrators, and reading their absence as "never active, no
 * identity" would make every old external look inactive.
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
    .nullable(),
  created_at: z.string().refine((value) => !Number.isNaN(Date.parse(value)), 'must be a date-time'),
  identities: z.array(gitLabIdentitySchema),
  /** Admin note on the user; read but never written by this service. */
  note: z.string().nullish(),
});

export const gitLabUsersPageSchema = z.array(gitLabUserSchema);

/** Fields of a user that GitLab sends only to administrators and the sync cannot do without. */
export const ADMIN_ONLY_FIELDS = ['identities', 'last_activity_on'] as const;

/** `GET /api/v4/users/:id`: only what confirms that a user still exists, and in which state. */
export const gitLabUserStateSchema = z.object({ id: z.number().int().positive(), state: z.string() });

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
      /** GitLab found the user already blocked (block answered `null`) and no attempt of ours went unanswered. */
      unchanged?: true;
      /**
       * An earlier attempt of this call went unanswered (no answer, timeout, 5xx) and GitLab then
       * answered that the change was already made: taken as made by that attempt, i.e. by us.
       */
      afterLostAnswer?: true;
    }
  | { ok: false; status: number; message: string };

/** GitLab's error body: `{"message": "..."}` (sometimes an object of field errors) or `{"error": "..."}`. */
export const gitLabErrorSchema = z
  .object({ message: z.unknown().optional(), error: z.unknown().optional() })
  .loose();
