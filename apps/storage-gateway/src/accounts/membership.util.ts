/**
 * What a person is to an account. The Data Owner and the account's Data Managers change the account
 * (members, projects, size, renewal); project managers change their project's people; project users
 * only see the account. Administrators see and change everything, but are not members.
 */
export type AccountRole = 'owner' | 'data-manager' | 'project-manager' | 'project-user';

export interface Membership {
  ownerEmail: string;
  managers: readonly { email: string }[];
  projects: readonly { id: string; members: readonly { email: string; role: 'manager' | 'user' }[] }[];
}

/** The strongest role `email` holds in the account, or null. */
export function roleIn(account: Membership, email: string): AccountRole | null {
  if (account.ownerEmail === email) return 'owner';
  if (account.managers.some((m) => m.email === email)) return 'data-manager';
  let role: AccountRole | null = null;
  for (const project of account.projects) {
    for (const member of project.members) {
      if (member.email !== email) continue;
      if (member.role === 'manager') return 'project-manager';
      role = 'project-user';
    }
  }
  return role;
}

/** Owner and Data Managers change the account as a whole. */
export function managesAccount(role: AccountRole | null): boolean {
  return role === 'owner' || role === 'data-manager';
}

/** Whether `email` may change the people of one project of the account. */
export function managesProject(account: Membership, projectId: string, email: string): boolean {
  if (managesAccount(roleIn(account, email))) return true;
  const project = account.projects.find((p) => p.id === projectId);
  return project?.members.some((m) => m.email === email && m.role === 'manager') ?? false;
}
