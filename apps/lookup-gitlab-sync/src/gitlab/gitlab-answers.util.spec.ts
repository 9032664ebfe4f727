import { describe, expect, it } from '@jest/globals';
import type { MutationResult } from './gitlab.types.js';
import {
  interpretMutationAnswer,
  type MutationAction,
  refusalConcernsEveryone,
} from './gitlab-answers.util.js';

describe('interpretMutationAnswer', () => {
  it.each<[MutationAction, number, unknown, boolean, MutationResult]>([
    ['block', 201, true, false, { ok: true }],
    ['block', 201, true, true, { ok: true }],
    ['block', 201, null, false, { ok: true, unchanged: true }],
    ['block', 201, null, true, { ok: true, afterLostAnswer: true }],
    ['unblock', 201, true, false, { ok: true }],
    [
      'unblock',
      201,
      false,
      false,
      { ok: false, status: 201, message: 'GitLab did not unblock the user: not blocked' },
    ],
    ['unblock', 201, false, true, { ok: true, afterLostAnswer: true }],
  ])('%s answered %i %j (earlier attempt unanswered: %s) -> %j', (action, status, data, lost, expected) => {
    expect(interpretMutationAnswer(action, 7, status, data, lost)).toEqual(expected);
  });

  it.each<[MutationAction, number, unknown]>([
    ['block', 200, true],
    ['block', 200, '<!DOCTYPE html><title>Maintenance</title>'],
    ['block', 204, ''],
    ['block', 201, false],
    ['block', 201, {}],
    ['block', 201, 'true'],
    ['unblock', 201, null],
    ['unblock', 200, false],
    ['unblock', 202, true],
  ])('%s answered %i %j is not an answer of GitLab: thrown, in doubt', (action, status, data) => {
    expect(() => interpretMutationAnswer(action, 7, status, data, false)).toThrow(
      expect.objectContaining({ name: 'GitLabMutationError', maybeApplied: true, status }),
    );
  });
});

describe('refusalConcernsEveryone', () => {
  it.each<[string, number, unknown, boolean]>([
    ['insufficient scope', 403, { error: 'insufficient_scope', scope: 'api' }, true],
    ['not an administrator', 403, { message: '403 Forbidden' }, true],
    [
      'maintenance mode',
      403,
      { message: 'You cannot perform write operations on a read-only instance' },
      true,
    ],
    ['admin mode', 403, { message: '403 Forbidden - Admin mode is required' }, true],
    [
      'an LDAP-blocked user',
      403,
      { message: '403 Forbidden - LDAP blocked users cannot be modified by the API' },
      false,
    ],
    [
      'the calling user itself',
      403,
      { message: '403 Forbidden - The API initiating user cannot be blocked by the API' },
      false,
    ],
    [
      'a deactivated user',
      403,
      { message: '403 Forbidden - Deactivated users cannot be unblocked by the API' },
      false,
    ],
    ['a user not found', 404, { message: '404 User Not Found' }, false],
    ['a conflict', 409, { message: '403 Forbidden' }, false],
  ])('%s', (_name, status, body, everyone) => {
    expect(refusalConcernsEveryone(status, body) !== null).toBe(everyone);
  });
});
