import type { Express, Request, Response } from 'express';
import { z } from 'zod';
import { parseSeedJson, Simulator, type SimulatorBaseOptions } from '../common/simulator.js';
import { type AnswerFault, AnswerFaults, type PagingDefect } from './gitlab-faults.js';
import { clampPerPage, firstIndexAbove } from './gitlab-paging.js';
import { cloneUser, type SimGitLabUser, toApiUser } from './gitlab-user.view.js';

export type { AnswerFault, PagingDefect } from './gitlab-faults.js';
export type { SimGitLabIdentity, SimGitLabUser } from './gitlab-user.view.js';

/**
 * A stand-in for the GitLab admin users API (`/api/v4/users`, block, unblock) speaking GitLab's
 * wire format. Behaviour taken from GitLab's `lib/api/users.rb` and API docs:
 * - `PRIVATE-TOKEN` (or `Authorization: Bearer`) must be the configured token, else
 *   401 `{"message":"401 Unauthorized"}`; the optional non-admin token sees users without the
 *   admin-only fields (identities, last_activity_on, note...) and gets 403 `{"message":"403 Forbidden"}`
 *   on block/unblock, as GitLab's `authenticated_as_admin!` answers.
 * - `GET /api/v4/users`: keyset pagination (`pagination=keyset&order_by=id&sort=asc|desc&per_page=N`,
 *   then `id_after`/`id_before`), with `Link: <...>; rel="next"` on every page but the last;
 *   offset pagination (`page`, `per_page`) with `X-Page`/`X-Next-Page`/`X-Total` headers otherwise.
 *   `per_page` defaults to 20 and is capped at 100. Keyset on another `order_by` gets 405, as GitLab
 *   refuses unsupported keyset orderings. `GET /api/v4/users/:id`: one user, or 404.
 * - `POST /api/v4/users/:id/block`: 201 `true`; 201 `null` when already blocked (GitLab returns
 *   early without a body value); 403 `{"message":"403 Forbidden - LDAP blocked users cannot be
 *   modified by the API"}` for `ldap_blocked`; 404 `{"message":"404 User Not Found"}`.
 * - `POST /api/v4/users/:id/unblock`: 201 `true` when a blocked user is activated; 201 `false` when
 *   nothing changed (already active); 403 `... LDAP blocked users cannot be unblocked by the API`
 *   and `... Deactivated users cannot be unblocked by the API`; 404.
 * Latency and faults come from `SimulatorControl` (e.g. a 500 on one page with
 * `{ path: '/api/v4/users', queryIncludes: 'id_after=200', status: 500 }`); answers lost after the
 * change was made from `loseAnswer`, and a repeated or truncated users list from `setPagingDefect`.
 */

export interface SimMutation {
  userId: number;
  action: 'block' | 'unblock';
  /** The status GitLab answered, or 0 when the answer was lost (`loseAnswer`). */
  status: number;
}

const identitySchema = z.strictObject({ provider: z.string().min(1), extern_uid: z.string().min(1) });
const userSchema = z.strictObject({
  id: z.number().int().positive(),
  username: z.string().min(1),
  name: z.string(),
  state: z.string().min(1),
  bot: z.boolean(),
  last_activity_on: z.iso.date().nullable(),
  created_at: z.iso.datetime({ offset: true }),
  identities: z.array(identitySchema),
  note: z.string().nullable().optional(),
  email: z.string().optional(),
  is_admin: z.boolean().optional(),
});
/** Seed JSON: the users, as `SimGitLabUser` objects (`{"id": 1, "username": "ab123", ...}`). */
const seedSchema = z.array(userSchema);

export interface GitLabSimulatorOptions extends SimulatorBaseOptions {
  /** An administrator's token: the admin view of users, and blocks and unblocks. */
  token: string;
  /**
   * A token of a user who is not an administrator (or an admin's token without the `admin_mode`
   * scope): users come without the admin-only fields and blocks get `403 Forbidden`.
   */
  nonAdminToken?: string;
}

export class GitLabSimulator extends Simulator<readonly SimGitLabUser[]> {
  /** Every block/unblock request that reached the API (faults excluded), with its status. */
  readonly mutations: SimMutation[] = [];
  private sorted: SimGitLabUser[] = [];
  private byId = new Map<number, SimGitLabUser>();
  private readonly token: string;
  private readonly nonAdminToken: string | undefined;
  private readonly answerFaults = new AnswerFaults();
  private pagingDefect: PagingDefect = {};

  constructor(options: GitLabSimulatorOptions) {
    super('gitlab', options);
    this.token = options.token;
    this.nonAdminToken = options.nonAdminToken;
  }

  /** Replaces all users (copied; `users()` shows the current state); ids must be unique. */
  seed(users: readonly SimGitLabUser[]): void {
    this.sorted = users.map(cloneUser).sort((a, b) => a.id - b.id);
    this.byId = new Map(this.sorted.map((user) => [user.id, user]));
    // GitLab ids are unique: a repeated id is a mistake in the test data (`setPagingDefect` repeats users).
    if (this.byId.size !== this.sorted.length)
      throw new Error('GitLab simulator: seeded user ids must be unique');
    this.mutations.length = 0;
  }

  parseSeed(json: unknown): SimGitLabUser[] {
    return parseSeedJson(seedSchema, json, 'GitLab simulator');
  }

  users(): SimGitLabUser[] {
    return this.sorted.map(cloneUser);
  }

  user(id: number): SimGitLabUser | undefined {
    const user = this.byId.get(id);
    return user === undefined ? undefined : cloneUser(user);
  }

  /** Replaces the answer of matching blocks/unblocks (see `AnswerFault`). */
  loseAnswer(fault: AnswerFault): void {
    this.answerFaults.add(fault);
  }

  setPagingDefect(defect: PagingDefect): void {
    this.pagingDefect = { ...defect };
  }

  /** Forgets answer faults and paging defects (`control.reset()` forgets the others; `reset()` both). */
  clearFaults(): void {
    this.answerFaults.clear();
    this.pagingDefect = {};
  }

  protected override resetFaults(): void {
    this.clearFaults();
  }

  protected routes(app: Express): void {
    app.use('/api/v4', (req: Request, res: Response, next) => {
      const privateToken = req.get('private-token');
      const bearer = /^Bearer (.+)$/i.exec(req.get('authorization') ?? '')?.[1];
      const sent = privateToken ?? bearer;
      if (sent === this.token) {
        res.locals['admin'] = true;
      } else if (this.nonAdminToken !== undefined && sent === this.nonAdminToken) {
        res.locals['admin'] = false;
      } else {
        res.status(401).json({ message: '401 Unauthorized' });
        return;
      }
      next();
    });
    app.get('/api/v4/users', (req, res) => this.listUsers(req, res));
    app.get('/api/v4/users/:id', (req, res) => this.getUser(req, res));
    app.post('/api/v4/users/:id/block', (req, res) => this.mutate(req, res, 'block'));
    app.post('/api/v4/users/:id/unblock', (req, res) => this.mutate(req, res, 'unblock'));
    app.use('/api/v4', (_req: Request, res: Response) => {
      res.status(404).json({ error: '404 Not Found' });
    });
  }

  private listUsers(req: Request, res: Response): void {
    const query = new URL(req.originalUrl, 'http://simulator').searchParams;
    const perPage = clampPerPage(query.get('per_page'));
    const admin = res.locals['admin'] === true;
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
    res.json(rows.map((user) => toApiUser(user, admin)));
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
    let pageIndex: number;
    if (sort === 'asc') {
      const after = Number(query.get('id_after') ?? '0');
      const start = firstIndexAbove(this.sorted, Number.isFinite(after) ? after : 0);
      rows = this.sorted.slice(start, start + perPage);
      hasMore = start + perPage < this.sorted.length;
      pageIndex = Math.ceil(start / perPage);
    } else {
      const beforeParam = query.get('id_before');
      const before = beforeParam === null ? Number.POSITIVE_INFINITY : Number(beforeParam);
      const end = firstIndexAbove(this.sorted, before - 1);
      const start = Math.max(0, end - perPage);
      rows = this.sorted.slice(start, end).reverse();
      hasMore = start > 0;
      pageIndex = Math.ceil((this.sorted.length - end) / perPage);
    }
    const { stopAfterPages, repeatLastUser } = this.pagingDefect;
    if (stopAfterPages !== undefined && pageIndex + 1 >= stopAfterPages) hasMore = false;
    const last = rows.at(-1);
    if (hasMore && last !== undefined) {
      const next = new URLSearchParams(query);
      next.delete('id_after');
      next.delete('id_before');
      const shift = repeatLastUser === true ? (sort === 'asc' ? -1 : 1) : 0;
      next.set(sort === 'asc' ? 'id_after' : 'id_before', String(last.id + shift));
      next.set('per_page', String(perPage));
      const base = `${req.protocol}://${req.get('host') ?? '127.0.0.1'}/api/v4/users`;
      res.setHeader('Link', `<${base}?${next.toString()}>; rel="next"`);
    }
    res.json(rows.map((user) => toApiUser(user, res.locals['admin'] === true)));
  }

  /** `GET /api/v4/users/:id`: the user, or 404 `{"message":"404 User Not Found"}`. */
  private getUser(req: Request, res: Response): void {
    const id = Number(req.params['id']);
    const user = Number.isInteger(id) ? this.byId.get(id) : undefined;
    if (user === undefined) {
      res.status(404).json({ message: '404 User Not Found' });
      return;
    }
    res.json(toApiUser(user, res.locals['admin'] === true));
  }

  private mutate(req: Request, res: Response, action: 'block' | 'unblock'): void {
    const id = Number(req.params['id']);
    const fault = this.answerFaults.take(id, action);
    const reply = (status: number, body: unknown) => {
      if (fault === undefined) {
        this.mutations.push({ userId: id, action, status });
        res.status(status).json(body);
        return;
      }
      this.mutations.push({ userId: id, action, status: fault.answer === 'drop' ? 0 : fault.answer.status });
      if (fault.answer === 'drop') {
        res.socket?.destroy();
      } else if (fault.answer.html !== undefined) {
        res.status(fault.answer.status).type('html').send(fault.answer.html);
      } else {
        res.status(fault.answer.status).json(fault.answer.body ?? null);
      }
    };
    if (res.locals['admin'] !== true) return reply(403, { message: '403 Forbidden' });
    const user = Number.isInteger(id) ? this.byId.get(id) : undefined;
    if (user === undefined) return reply(404, { message: '404 User Not Found' });
    const apply = fault?.applied ?? true;
    if (action === 'block') {
      if (user.state === 'ldap_blocked') {
        return reply(403, { message: '403 Forbidden - LDAP blocked users cannot be modified by the API' });
      }
      if (user.state === 'blocked') return reply(201, null);
      if (apply) user.state = 'blocked';
      return reply(201, true);
    }
    if (user.state === 'ldap_blocked') {
      return reply(403, { message: '403 Forbidden - LDAP blocked users cannot be unblocked by the API' });
    }
    if (user.state === 'deactivated') {
      return reply(403, { message: '403 Forbidden - Deactivated users cannot be unblocked by the API' });
    }
    if (user.state !== 'blocked') return reply(201, false);
    if (apply) user.state = 'active';
    return reply(201, true);
  }
}
