import type { SimGitLabUser } from './gitlab-user.view.js';

/** GitLab's default and largest `per_page`. */
const DEFAULT_PER_PAGE = 20;
const MAX_PER_PAGE = 100;

export function clampPerPage(value: string | null): number {
  const parsed = Number.parseInt(value ?? '', 10);
  if (!Number.isFinite(parsed) || parsed < 1) return DEFAULT_PER_PAGE;
  return Math.min(parsed, MAX_PER_PAGE);
}

/** Index of the first user whose id is greater than `id` (users sorted by id). */
export function firstIndexAbove(users: readonly SimGitLabUser[], id: number): number {
  let low = 0;
  let high = users.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (users[mid].id <= id) low = mid + 1;
    else high = mid;
  }
  return low;
}
