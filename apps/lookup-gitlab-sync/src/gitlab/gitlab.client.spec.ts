import { inspect } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { UpstreamError } from '@app/http';
import { GitLabSimulator, type SimGitLabUser } from '../../../../simulators/gitlab/gitlab.simulator.js';
import { GitLabClient, parseLinkHeader } from './gitlab.client.js';
import type { GitLabUser } from './gitlab.types.js';

const TOKEN = 'test-admin-token-0123456789';
const NON_ADMIN_TOKEN = 'test-user-token-0123456789';

function simUser(id: number, overrides: Partial<SimGitLabUser> = {}): SimGitLabUser {
  return {
    id,
    username: `user${id}`,
    name: `User ${id}`,
    state: 'active',
    bot: false,
    last_activity_on: '2026-01-02',
    created_at: '2020-03-04T05:06:07.000Z',
    identities: [],
    ...overrides,
  };
}

/** 250 users with gaps in the ids, as real instances have (deleted users). */
const USERS = Array.from({ length: 250 }, (_, i) => simUser(i * 2 + 1));

async function readAll(client: GitLabClient): Promise<GitLabUser[][]> {
  const pages: GitLabUser[][] = [];
  for await (const page of client.listUsers()) pages.push(page);
  return pages;
}

describe('GitLabClient against the GitLab simulator', () => {
  const simulator = new GitLabSimulator({ token: TOKEN, nonAdminToken: NON_ADMIN_TOKEN });
  const client = (overrides: { token?: string; perPage?: number } = {}) =>
    new GitLabClient({
      baseUrl: simulator.url,
      token: overrides.token ?? TOKEN,
      perPage: overrides.perPage ?? 100,
      maxAttempts: 3,
      baseDelayMs: 1,
    });

  beforeAll(async () => {
    await simulator.start();
  });
  afterAll(() => simulator.close());
  beforeEach(() => {
    simulator.control.reset();
    simulator.clearFaults();
    simulator.seed(USERS);
  });

  describe('listUsers', () => {
    it('follows the Link header across pages and reads every user once, one call per page', async () => {
      const gitlab = client();
      const pages = await readAll(gitlab);
      expect(pages.map((p) => p.length)).toEqual([100, 100, 50]);
      expect(pages.flat().map((u) => u.id)).toEqual(USERS.map((u) => u.id));
      expect(gitlab.calls).toBe(3);
      expect(simulator.control.callCount({ method: 'GET', path: '/api/v4/users' })).toBe(3);
    });

    it('stops after a full last page when no next link is sent', async () => {
      simulator.seed(USERS.slice(0, 200));
      const gitlab = client();
      expect((await readAll(gitlab)).map((p) => p.length)).toEqual([100, 100]);
      expect(gitlab.calls).toBe(2);
    });

    it('yields one empty page when there are no users', async () => {
      simulator.seed([]);
      const gitlab = client();
      expect(await readAll(gitlab)).toEqual([[]]);
      expect(gitlab.calls).toBe(1);
    });

    it('parses the fields the sync needs (null activity and no identities are answers)', async () => {
      simulator.seed([
        simUser(7, {
          username: 'jo.b',
          state: 'ldap_blocked',
          bot: true,
          last_activity_on: null,
          identities: [{ provider: 'saml', extern_uid: 'AB12@cam.ac.uk' }],
          note: 'kept as is',
        }),
      ]);
      const [[user]] = (await readAll(client())) as [[GitLabUser]];
      expect(user).toEqual({
        id: 7,
        username: 'jo.b',
        name: 'User 7',
        state: 'ldap_blocked',
        bot: true,
        last_activity_on: null,
        created_at: '2020-03-04T05:06:07.000Z',
        identities: [{ provider: 'saml', extern_uid: 'AB12@cam.ac.uk' }],
        note: 'kept as is',
      });
    });

    it('retries a page that fails transiently', async () => {
      simulator.control.addFault({
        path: '/api/v4/users',
        queryIncludes: 'id_after=199',
        status: 503,
        times: 1,
      });
      const gitlab = client();
      expect((await readAll(gitlab)).flat()).toHaveLength(250);
      expect(gitlab.calls).toBe(4);
    });

    it('honours a 429 with Retry-After, then succeeds', async () => {
      simulator.control.addFault({ path: '/api/v4/users', status: 429, times: 1, retryAfterSeconds: 0 });
      const gitlab = client();
      expect((await readAll(gitlab)).flat()).toHaveLength(250);
      expect(gitlab.calls).toBe(4);
      expect(simulator.control.calls.filter((c) => c.status === 429)).toHaveLength(1);
    });

    it('throws when a page still fails after the retries, and never yields a later page', async () => {
      simulator.control.addFault({ path: '/api/v4/users', queryIncludes: 'id_after=199', status: 500 });
      const gitlab = client();
      const seen: number[] = [];
      const read = async () => {
        for await (const page of gitlab.listUsers()) seen.push(page.length);
      };
      const error = await read().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UpstreamError);
      expect(error).toMatchObject({ system: 'GitLab', status: 500 });
      expect(seen).toEqual([100]);
      expect(gitlab.calls).toBe(1 + 3);
    });

    it('throws on a wrong token without putting the token in the error', async () => {
      const gitlab = client({ token: 'wrong-token-value-abcdef' });
      const error = await readAll(gitlab).catch((e: unknown) => e);
      expect(error).toMatchObject({ name: 'UpstreamError', status: 401 });
      const text = inspect(error, { depth: 20, showHidden: true });
      expect(text).not.toContain('wrong-token-value-abcdef');
    });

    it('rejects a response that is not a list of users', async () => {
      simulator.control.addFault({ path: '/api/v4/users', status: 200, body: [{ id: 'x' }] });
      await expect(readAll(client())).rejects.toMatchObject({ name: 'UpstreamError', system: 'GitLab' });
    });

    it('fails the read when the admin-only fields are absent (a token that is not an admin), naming the cause', async () => {
      const gitlab = client({ token: NON_ADMIN_TOKEN });
      const error = await readAll(gitlab).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UpstreamError);
      expect((error as Error).message).toMatch(
        /lacks identities and last_activity_on, which GitLab sends only to administrators: GITLAB_TOKEN is probably not an administrator's token/,
      );
      expect(gitlab.calls).toBe(1);
    });

    it.each([
      ['identities', { last_activity_on: null }],
      ['last_activity_on', { identities: [] }],
    ])('fails the read when one user lacks %s (absent, not null)', async (missing, fields) => {
      const user = {
        id: 1,
        username: 'ab1',
        name: 'A',
        state: 'active',
        created_at: '2020-01-01T00:00:00Z',
        ...fields,
      };
      simulator.control.addFault({ path: '/api/v4/users', status: 200, body: [user] });
      await expect(readAll(client())).rejects.toThrow(new RegExp(`lacks ${missing},`));
    });

    it('fails the read when a user id comes twice (a page overlapping the last)', async () => {
      simulator.setPagingDefect({ repeatLastUser: true });
      const seen: number[] = [];
      const read = async () => {
        for await (const page of client().listUsers()) seen.push(page.length);
      };
      await expect(read()).rejects.toThrow(/user 199 appears twice in the users list/);
      expect(seen).toEqual([100]);
    });
  });

  describe('getUserState', () => {
    it('answers the state of a user, and null for one GitLab answers 404 for', async () => {
      simulator.seed([simUser(5, { state: 'blocked' })]);
      const gitlab = client();
      expect(await gitlab.getUserState(5)).toEqual({ id: 5, state: 'blocked' });
      expect(await gitlab.getUserState(6)).toBeNull();
      expect(simulator.control.callCount({ method: 'GET', path: '/api/v4/users/' })).toBe(2);
    });

    it('throws when GitLab keeps failing: an error is never read as "gone"', async () => {
      simulator.control.addFault({ method: 'GET', path: '/api/v4/users/5', status: 503 });
      await expect(client().getUserState(5)).rejects.toMatchObject({ name: 'UpstreamError', status: 503 });
    });
  });
});

describe('parseLinkHeader', () => {
  it.each([
    ['<https://g.example/api/v4/users?id_after=5>; rel="next"', 'https://g.example/api/v4/users?id_after=5'],
    ['<https://g.example/a?x=1,2>; rel="first", <https://g.example/b>; rel="next"', 'https://g.example/b'],
    ['<https://g.example/b>; rel=next', 'https://g.example/b'],
    ['<https://g.example/b>; rel="prev"', undefined],
    ['', undefined],
  ])('%s', (header, next) => {
    expect(parseLinkHeader(header).get('next')).toBe(next);
  });
});
