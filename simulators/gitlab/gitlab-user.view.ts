/** A GitLab user as the simulator stores it, and the JSON GitLab sends for one. */

export interface SimGitLabIdentity {
  provider: string;
  extern_uid: string;
}

export interface SimGitLabUser {
  id: number;
  username: string;
  name: string;
  /** active, blocked, ldap_blocked, deactivated, blocked_pending_approval, banned... */
  state: string;
  bot: boolean;
  /** YYYY-MM-DD or null. */
  last_activity_on: string | null;
  /** ISO date-time. */
  created_at: string;
  identities: SimGitLabIdentity[];
  note?: string | null;
  email?: string;
  is_admin?: boolean;
}

export function cloneUser(user: SimGitLabUser): SimGitLabUser {
  return { ...user, identities: user.identities.map((identity) => ({ ...identity })) };
}

/**
 * Fields GitLab sends only to administrators. A caller without admin rights (a token of an
 * ordinary user, or an admin's token without the `admin_mode` scope when admin mode is on) gets
 * the user without them: no identities, no `last_activity_on`, no note.
 */
export const ADMIN_ONLY_FIELDS = [
  'last_sign_in_at',
  'confirmed_at',
  'last_activity_on',
  'email',
  'current_sign_in_at',
  'identities',
  'can_create_group',
  'can_create_project',
  'two_factor_enabled',
  'external',
  'private_profile',
  'commit_email',
  'is_admin',
  'note',
  'namespace_id',
  'created_by',
  'email_reset_offered_at',
  'using_license_seat',
] as const;

/** The view of a user, with the fields GitLab sends (a representative subset); `admin` adds the admin-only ones. */
export function toApiUser(user: SimGitLabUser, admin = true): Record<string, unknown> {
  const view: Record<string, unknown> = {
    id: user.id,
    username: user.username,
    name: user.name,
    state: user.state,
    locked: false,
    avatar_url: null,
    web_url: `https://gitlab.example.invalid/${user.username}`,
    created_at: user.created_at,
    bio: '',
    location: '',
    public_email: null,
    linkedin: '',
    twitter: '',
    website_url: '',
    organization: '',
    job_title: '',
    bot: user.bot,
    work_information: null,
    followers: 0,
    following: 0,
    local_time: null,
    last_sign_in_at: user.last_activity_on === null ? null : `${user.last_activity_on}T09:00:00.000Z`,
    confirmed_at: user.created_at,
    last_activity_on: user.last_activity_on,
    email: user.email ?? `${user.username}@example.invalid`,
    theme_id: 1,
    color_scheme_id: 1,
    projects_limit: 100000,
    current_sign_in_at: null,
    identities: user.identities.map((identity) => ({ ...identity, saml_provider_id: null })),
    can_create_group: true,
    can_create_project: true,
    two_factor_enabled: false,
    external: false,
    private_profile: false,
    commit_email: user.email ?? `${user.username}@example.invalid`,
    is_admin: user.is_admin ?? false,
    note: user.note ?? null,
    namespace_id: user.id,
    created_by: null,
    email_reset_offered_at: null,
    using_license_seat: user.state === 'active' && !user.bot,
  };
  if (!admin) for (const field of ADMIN_ONLY_FIELDS) delete view[field];
  return view;
}
