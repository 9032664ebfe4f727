import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { UpstreamError } from '@app/http';
import {
  type AnswerFault,
  GitLabSimulator,
  type SimGitLabUser,
} from '../../../../simulators/gitlab/gitlab.simulator.js';
import { GitLabClient } from './gitlab.client.js';

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

/** Block and unblock through the real client against the GitLab simulator: GitLab's answers, and lost ones. */
describe('GitLabClient block and unblock', () => {
  const simulator = new GitLabSimulator({ token: TOKEN, nonAdminToken: NON_ADMIN_TOKEN });
  const client = (overrides: { token?: string } = {}) =>
    new GitLabClient({
      baseUrl: simulator.url,
      token: overrides.token ?? TOKEN,
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
  });

  describe('blockUser and unblockUser', () => {
    beforeEach(() => {
      simulator.seed([
        simUser(1),
        simUser(2, { state: 'blocked' }),
        simUser(3, { state: 'ldap_blocked' }),
        simUser(4, { state: 'deactivated' }),
      ]);
    });

    it.each([
      ['block', 1, { ok: true }, 'blocked'],
      ['block', 2, { ok: true, unchanged: true }, 'blocked'],
      [
        'block',
        3,
        {
          ok: false,
          status: 403,
          message: '403 Forbidden - LDAP blocked users cannot be modified by the API',
        },
        'ldap_blocked',
      ],
      ['block', 99, { ok: false, status: 404, message: '404 User Not Found' }, undefined],
      ['unblock', 2, { ok: true }, 'active'],
      [
        'unblock',
        1,
        { ok: false, status: 201, message: 'GitLab did not unblock the user: not blocked' },
        'active',
      ],
      [
        'unblock',
        3,
        {
          ok: false,
          status: 403,
          message: '403 Forbidden - LDAP blocked users cannot be unblocked by the API',
        },
        'ldap_blocked',
      ],
      [
        'unblock',
        4,
        {
          ok: false,
          status: 403,
          message: '403 Forbidden - Deactivated users cannot be unblocked by the API',
        },
        'deactivated',
      ],
      ['unblock', 99, { ok: false, status: 404, message: '404 User Not Found' }, undefined],
    ] as const)('%s of user %i gives %j and leaves the state %s', async (action, id, expected, state) => {
      const gitlab = client();
      const result = action === 'block' ? await gitlab.blockUser(id) : await gitlab.unblockUser(id);
      expect(result).toEqual(expected);
      expect(simulator.user(id)?.state).toBe(state);
      expect(simulator.mutations.map((m) => [m.userId, m.action])).toEqual([[id, action]]);
      expect(gitlab.calls).toBe(1);
    });

    it('retries a block answered with 429 after Retry-After', async () => {
      simulator.control.addFault({
        method: 'POST',
        path: '/api/v4/users/1/block',
        status: 429,
        times: 1,
        retryAfterSeconds: 0,
      });
      const gitlab = client();
      expect(await gitlab.blockUser(1)).toEqual({ ok: true });
      expect(gitlab.calls).toBe(2);
      expect(simulator.user(1)?.state).toBe('blocked');
    });

    it('throws, in doubt, when GitLab keeps failing (not a per-user refusal)', async () => {
      simulator.control.addFault({ method: 'POST', path: '/api/v4/users/1/block', status: 502 });
      const error = await client()
        .blockUser(1)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UpstreamError);
      expect(error).toMatchObject({ name: 'GitLabMutationError', status: 502, maybeApplied: true });
      expect(simulator.user(1)?.state).toBe('active');
    });

    it('throws on a wrong token instead of recording one failed user (not applied)', async () => {
      await expect(client({ token: 'nope-nope-nope-nope' }).blockUser(1)).rejects.toMatchObject({
        status: 401,
        maybeApplied: false,
      });
    });

    it('never changes the note', async () => {
      simulator.seed([simUser(1, { note: 'contractor until 2027' })]);
      await client().blockUser(1);
      expect(simulator.user(1)).toMatchObject({ state: 'blocked', note: 'contractor until 2027' });
    });
  });

  describe('an answer lost after GitLab made the change', () => {
    beforeEach(() => {
      simulator.seed([simUser(1), simUser(2, { state: 'blocked' })]);
    });

    it.each<[string, AnswerFault['answer']]>([
      ['the connection closed without an answer', 'drop'],
      ['a 502 from a proxy', { status: 502, body: { message: '502 Bad Gateway' } }],
      ['a 504 timeout from a proxy', { status: 504, body: { message: '504 Gateway Timeout' } }],
    ])('block: %s, then "already blocked" on the retry, is our block', async (_name, answer) => {
      simulator.loseAnswer({ userId: 1, action: 'block', answer, times: 1 });
      const gitlab = client();
      expect(await gitlab.blockUser(1)).toEqual({ ok: true, afterLostAnswer: true });
      expect(gitlab.calls).toBe(2);
      expect(simulator.mutations.map((m) => m.status)).toEqual([answer === 'drop' ? 0 : answer.status, 201]);
      expect(simulator.user(1)?.state).toBe('blocked');
    });

    it('unblock: the answer lost, then "not blocked" on the retry, is our unblock', async () => {
      simulator.loseAnswer({ userId: 2, action: 'unblock', answer: 'drop', times: 1 });
      expect(await client().unblockUser(2)).toEqual({ ok: true, afterLostAnswer: true });
      expect(simulator.user(2)?.state).toBe('active');
    });

    it('a 429 says the request was not processed: "already blocked" after it is not our block', async () => {
      simulator.control.addFault({
        method: 'POST',
        path: '/api/v4/users/2/block',
        status: 429,
        times: 1,
        retryAfterSeconds: 0,
      });
      expect(await client().blockUser(2)).toEqual({ ok: true, unchanged: true });
    });

    it('a lost answer on an earlier call does not carry over to a later call for the same user', async () => {
      simulator.loseAnswer({ userId: 1, action: 'block', answer: 'drop', times: 1 });
      const gitlab = client();
      await gitlab.blockUser(1);
      expect(await gitlab.blockUser(1)).toEqual({ ok: true, unchanged: true });
    });
  });

  describe('answers GitLab never gives stop the run, in doubt', () => {
    beforeEach(() => {
      simulator.seed([simUser(1), simUser(2, { state: 'blocked' })]);
    });

    it.each<[string, 'block' | 'unblock', number, AnswerFault['answer']]>([
      [
        'a 200 HTML maintenance page',
        'block',
        1,
        { status: 200, html: '<!DOCTYPE html><h1>Maintenance</h1>' },
      ],
      [
        'a 200 HTML maintenance page',
        'unblock',
        2,
        { status: 200, html: '<html>We will be back soon</html>' },
      ],
      ['a 204 without a body', 'block', 1, { status: 204 }],
      ['a 204 without a body', 'unblock', 2, { status: 204 }],
      ['a 200 with true', 'block', 1, { status: 200, body: true }],
      ['a 201 with an object', 'block', 1, { status: 201, body: { id: 1 } }],
      ['a 201 with false', 'block', 1, { status: 201, body: false }],
      ['a 201 with null', 'unblock', 2, { status: 201, body: null }],
    ])('%s, in answer to %s', async (_name, action, userId, answer) => {
      simulator.loseAnswer({ userId, action, answer, applied: false });
      const gitlab = client();
      const call = action === 'block' ? gitlab.blockUser(userId) : gitlab.unblockUser(userId);
      const error = await call.catch((e: unknown) => e);
      expect(error).toMatchObject({ name: 'GitLabMutationError', maybeApplied: true });
      expect((error as Error).message).toMatch(
        new RegExp(
          `GitLab: ${action} of user ${userId}: unexpected answer HTTP ${answer === 'drop' ? 0 : answer.status}`,
        ),
      );
      expect(gitlab.calls).toBe(1);
    });
  });

  describe('a 403 that concerns every user stops the run, not applied', () => {
    beforeEach(() => {
      simulator.seed([simUser(1)]);
    });

    it.each<[string, unknown, RegExp]>([
      [
        'a token without the api scope',
        {
          error: 'insufficient_scope',
          error_description: 'The request requires higher privileges than provided by the access token.',
          scope: 'api',
        },
        /insufficient_scope/,
      ],
      [
        'maintenance mode',
        { message: 'You cannot perform write operations on a read-only instance' },
        /read-only/,
      ],
    ])('%s', async (_name, body, message) => {
      simulator.control.addFault({ method: 'POST', path: '/api/v4/users/1/block', status: 403, body });
      const error = await client()
        .blockUser(1)
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ name: 'GitLabMutationError', status: 403, maybeApplied: false });
      expect((error as Error).message).toMatch(message);
    });

    it("a token that is not an administrator's (a bare 403 Forbidden)", async () => {
      const error = await client({ token: NON_ADMIN_TOKEN })
        .blockUser(1)
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ name: 'GitLabMutationError', status: 403, maybeApplied: false });
      expect((error as Error).message).toMatch(/not an administrator's/);
      expect(simulator.user(1)?.state).toBe('active');
    });
  });
});
