import type { Request, Response } from 'express';
import { createSimulatorApp, listen, type RunningSimulator, SimulatorControl } from '../common/simulator.js';

/**
 * A stand-in for the GitLab admin users API (`/api/v4/users`, block, unblock) speaking GitLab's
 * wire format. Behaviour taken from GitLab's `lib/api/users.rb` and API docs:
 * - `PRIVATE-TOKEN` (or `Authorization: Bearer`) must be the configured token, else
 *   401 `{"message":"401 Unauthorized"}`.
 * - `GET /api/v4/users`: keyset pagination (`pagination=keyset&order_by=id&sort=asc|desc&per_page=N`,
 *   then `id_after`/`id_before`), with `Link: <...>; rel="next"` on every page but the last;
 *   offset pagination (`page`, `per_page`) with `X-Page`/`X-Next-Page`/`X-Total` headers otherwise.
 *   `per_page` defaults to 20 and is capped at 100. Keyset on another `order_by` gets 405, as GitLab
 *   refuses unsupported keyset orderings.
 * - `POST /api/v4/users/:id/block`: 201 `true`; 201 `null` when already blocked (GitLab returns
 *   early without a body value); 403 `{"message":"403 Forbidden - LDAP blocked users cannot be
 *   modified by the API"}` for `ldap_blocked`; 404 `{"message":"404 User Not Found"}`.
 * - `POST /api/v4/users/:id/unblock`: 201 `true` when a blocked user is activated; 201 `false` when
 *   nothing changed (already active); 403 `... LDAP blocked users cannot be unblocked by the API`
 *   and `... Deactivated users cannot be unblocked by the API`; 404.
 * Latency and faults come from `SimulatorControl` (e.g. a 500 on one page with
 * `{ path: '/api/v4/users', queryIncludes: 'id_after=200', status: 500 }`).
 */

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

export interface SimMutation {
  userId: number;
  action: 'block' | 'unblock';
  status: number;
}

export interface GitLabSimulatorOptions {
  token: string;
}

const DEFAULT_PER_PAGE = 20;
const MAX_PER_PAGE = 100;

export class GitLabSimulator {
  readonly control = new SimulatorControl();
  /** Every block/unblock request that reached the API (faults excluded), with its status. */
  readonly mutations: SimMutation[] = [];
  private sorted: SimGitLabUser[] = [];
  private byId = new Map<number, SimGitLabUser>();
  private running: RunningSimulator | undefined;
  private readonly token: string;

  constructor(options: GitLabSimulatorOptions) {
    this.token = options.token;
  }

  /** Replaces all users (copied; `users()` shows the current state). */
  seed(users: readonly SimGitLabUser[]): void {
    this.sorted = users.map(cloneUser).sort((a, b) => a.id - b.id);
    this.byId = new Map(this.sorted.map((user) => [user.id, user]));
    this.mutations.length = 0;
  }

  users(): SimGitLabUser[] {
    return this.sorted.map(cloneUser);
  }

  user(id: number): SimGitLabUser | undefined {
    const user = this.byId.get(id);
    return user === undefined ? undefined : cloneUser(user);
  }

  get url(): string {
    if (this.running === undefined) throw new Error('GitLab simulator not started');
    return this.running.url;
  }

  async start(port = 0): Promise<RunningSimulator> {
    const app = createSimulatorApp(this.control, 'gitlab');
    app.use('/api/v4', (req: Request, res: Response, next) => {
      const privateToken = req.get('private-token');
      const bearer = /^Bearer (.+)$/i.exec(req.get('authorization') ?? '')?.[1];
      if (privateToken !== this.token && bearer !== this.token) {
        res.status(401).json({ message: '401 Unauthorized' });
        return;
      }
      next();
    });
    app.get('/api/v4/users', (req, res) => this.listUsers(req, res));
    app.post('/api/v4/users/:id/block', (req, res) => this.mutate(req, res, 'block'));
    app.post('/api/v4/users/:id/unblock', (req, res) => this.mutate(req, res, 'unblock'));
    app.use('/api/v4', (_req: Request, res: Response) => {
      res.status(404).json({ error: '404 Not Found' });
    });
    this.running = await listen(app, port);
    return this.running;
  }

  async close(): Promise<void> {
    await this.running?.close();
    this.running = undefined;
  }

  private listUsers(req: Request, res: Response): void {
    const query = new URL(req.originalUrl, 'http://simulator').searchParams;
    const perPage = clampPerPage(query.get('per_page'));
    if (query.get('pagination') === 'keyset') {
      this.listUsersKeyset(req, res, query, perPage);
      return;
    }
    const page = Math.max(1, Number.parseInt(query.get('page') ?? '1', 10) || 1);
    const start = (page - 1) * perPage;
    const rows = this.sorted.slice(start, start + perPage);
    const totalPages = Math.max(1, Math.ceil(this.sorted.length / perPage));
    res.setHeader('X-Page', String(page));
    res.setHeader('X-Per-Page', String(perPage));
    res.setHeader('X-Next-Page', page < totalPages ? String(page + 1) : '');
    res.setHeader('X-Prev-Page', page > 1 ? String(page - 1) : '');
    // GitLab stops counting above 10,000 rows and leaves the totals out.
    if (this.sorted.length <= 10_000) {
      res.setHeader('X-Total', String(this.sorted.length));
      res.setHeader('X-Total-Pages', String(totalPages));
    }
    res.json(rows.map(toApiUser));
  }

  private listUsersKeyset(req: Request, res: Response, query: URLSearchParams, perPage: number): void {
    const orderBy = query.get('order_by') ?? 'id';
    const sort = query.get('sort') ?? 'desc';
    if (orderBy !== 'id' || (sort !== 'asc' && sort !== 'desc')) {
      res
        .status(405)
        .json({ message: '405 Method Not Allowed - Keyset pagination is not supported for this ordering' });
      return;
    }
    let rows: SimGitLabUser[];
    let hasMore: boolean;
    if (sort === 'asc') {
      const after = Number(query.get('id_after') ?? '0');
      const start = firstIndexAbove(this.sorted, Number.isFinite(after) ? after : 0);
      rows = this.sorted.slice(start, start + perPage);
      hasMore = start + perPage < this.sorted.length;
    } else {
      const beforeParam = query.get('id_before');
      const before = beforeParam === null ? Number.POSITIVE_INFINITY : Number(beforeParam);
      const end = firstIndexAbove(this.sorted, before - 1);
      const start = Math.max(0, end - perPage);
      rows = this.sorted.slice(start, end).reverse();
      hasMore = start > 0;
    }
    const last = rows.at(-1);
    if (hasMore && last !== undefined) {
      const next = new URLSearchParams(query);
      next.delete('id_after');
      next.delete('id_before');
      next.set(sort === 'asc' ? 'id_after' : 'id_before', String(last.id));
      next.set('per_page', String(perPage));
      const base = `${req.protocol}://${req.get('host') ?? '127.0.0.1'}/api/v4/users`;
      res.setHeader('Link', `<${base}?${next.toString()}>; rel="next"`);
    }
    res.json(rows.map(toApiUser));
  }

  private mutate(req: Request, res: Response, action: 'block' | 'unblock'): void {
    const id = Number(req.params['id']);
    const user = Number.isInteger(id) ? this.byId.get(id) : undefined;
    const reply = (status: number, body: unknown) => {
      this.mutations.push({ userId: id, action, status });
      res.status(status).json(body);
    };
    if (user === undefined) return reply(404, { message: '404 User Not Found' });
    if (action === 'block') {
      if (user.state === 'ldap_blocked') {
        return reply(403, { message: '403 Forbidden - LDAP blocked users cannot be modified by the API' });
      }
      if (user.state === 'blocked') return reply(201, null);
      user.state = 'blocked';
      return reply(201, true);
    }
    if (user.state === 'ldap_blocked') {
      return reply(403, { message: '403 Forbidden - LDAP blocked users cannot be unblocked by the API' });
    }
    if (user.state === 'deactivated') {
      return reply(403, { message: '403 Forbidden - Deactivated users cannot be unblocked by the API' });
    }
    if (user.state !== 'blocked') return reply(201, false);
    user.state = 'active';
    return reply(201, true);
  }
}

function clampPerPage(value: string | null): number {
  const parsed = Number.parseInt(value ?? '', 10);
  if (!Number.isFinite(parsed) || parsed < 1) return DEFAULT_PER_PAGE;
  return Math.min(parsed, MAX_PER_PAGE);
}

/** Index of the first user whose id is greater than `id` (users sorted by id). */
function firstIndexAbove(users: readonly SimGitLabUser[], id: number): number {
  let low = 0;
  let high = users.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (users[mid].id <= id) low = mid + 1;
    else high = mid;
  }
  return low;
}

function cloneUser(user: SimGitLabUser): SimGitLabUser {
  return { ...user, identities: user.identities.map((identity) => ({ ...identity })) };
}

/** The admin view of a user, with the fields GitLab sends (a representative subset). */
function toApiUser(user: SimGitLabUser): Record<string, unknown> {
  return {
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
}
