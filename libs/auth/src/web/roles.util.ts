import { ADMIN_ROLE, type WebRoleRule } from './web-auth.types.js';

export interface RoleRules {
  administrators: WebRoleRule;
  roles?: Readonly<Record<string, WebRoleRule>>;
}

/**
 * The roles of a person with this email and these groups: `admin` from the administrators rule,
 * then each role the app declared. Email addresses and group names compare case-insensitively.
 */
export function rolesFor(person: { email?: string; groups: readonly string[] }, rules: RoleRules): string[] {
  const email = person.email === undefined ? undefined : normalise(person.email);
  const groups = new Set(person.groups.map(normalise));
  const holds = (rule: WebRoleRule) =>
    (email !== undefined && rule.emails.some((listed) => normalise(listed) === email)) ||
    rule.groups.some((group) => groups.has(normalise(group)));
  const roles: string[] = [];
  if (holds(rules.administrators)) roles.push(ADMIN_ROLE);
  for (const [role, rule] of Object.entries(rules.roles ?? {})) {
    if (role !== ADMIN_ROLE && holds(rule)) roles.push(role);
  }
  return roles;
}

/**
 * The groups worth keeping in a session: only those some role names, so the cookie stays small
 * however many groups the provider sends.
 */
export function relevantGroups(groups: readonly string[], rules: RoleRules): string[] {
  const named = new Set(
    [rules.administrators, ...Object.values(rules.roles ?? {})].flatMap((rule) => rule.groups.map(normalise)),
  );
  return [...new Set(groups.filter((group) => named.has(normalise(group))))];
}

/** Whether someone with `held` roles may use a route open to `required` (none listed: anyone signed in). */
export function hasAnyRole(held: readonly string[], required: readonly string[]): boolean {
  return required.length === 0 || required.some((role) => held.includes(role));
}

const normalise = (text: string) => text.trim().toLowerCase();
