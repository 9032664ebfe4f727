import { describe, expect, it } from '@jest/globals';
import type { GitLabUser } from '../gitlab/gitlab.types.js';
import { crsidOf, utcDayMonthsBefore } from './plan.util.js';

const PROVIDER = 'saml';

function user(overrides: Partial<GitLabUser> = {}): GitLabUser {
  return {
    id: 1,
    username: 'ab123',
    name: 'A Person',
    state: 'active',
    bot: false,
    last_activity_on: '2026-06-01',
    created_at: '2019-01-01T10:00:00Z',
    identities: [],
    note: null,
    ...overrides,
  };
}

describe('crsidOf', () => {
  it.each<[string, Partial<GitLabUser>, string | null]>([
    [
      'identity, upper case with @cam.ac.uk',
      { username: 'jo.b', identities: [{ provider: PROVIDER, extern_uid: 'AB12@cam.ac.uk' }] },
      'ab12',
    ],
    [
      'identity, plain',
      { username: 'jo.b', identities: [{ provider: PROVIDER, extern_uid: ' ab12 ' }] },
      'ab12',
    ],
    [
      'identity wins over a CRSid username',
      { username: 'cd34', identities: [{ provider: PROVIDER, extern_uid: 'ab12' }] },
      'ab12',
    ],
    [
      'identity of another provider is ignored',
      { username: 'cd34', identities: [{ provider: 'ldapmain', extern_uid: 'ab12' }] },
      'cd34',
    ],
    [
      'identity that is not a CRSid falls back to the username',
      { username: 'cd34', identities: [{ provider: PROVIDER, extern_uid: 'jo@example.com' }] },
      'cd34',
    ],
    [
      'identity from another domain is not a CRSid',
      { username: 'jo.b', identities: [{ provider: PROVIDER, extern_uid: 'ab12@gmail.com' }] },
      null,
    ],
    ['username that is a CRSid', { username: 'ab123' }, 'ab123'],
    ['letters-only CRSid username', { username: 'abcd' }, 'abcd'],
    ['<group>-admin-<crsid>', { username: 'hpc-admin-ab123' }, 'ab123'],
    ['<group.with.dots>-admin-<crsid>', { username: 'my.group-admin-ab123' }, 'ab123'],
    ['upper-case username is not a CRSid', { username: 'AB123' }, null],
    ['one character is too short', { username: 'a' }, null],
    ['nine characters are too long', { username: 'abcdefgh1' }, null],
    ['digits before letters', { username: 'ab12cd' }, null],
    ['external-* username', { username: 'external-jo' }, null],
    ['admin suffix without a CRSid', { username: 'hpc-admin-' }, null],
    ['admin suffix with an invalid CRSid', { username: 'hpc-admin-1ab' }, null],
    ['service username', { username: 'user_5' }, null],
  ])('%s', (_name, overrides, expected) => {
    expect(crsidOf(user(overrides), PROVIDER)).toBe(expected);
  });
});

describe('utcDayMonthsBefore', () => {
  it.each([
    ['2026-06-15T12:00:00Z', 24, '2024-06-15'],
    ['2026-01-15T00:00:00Z', 13, '2024-12-15'],
    ['2026-03-31T08:00:00Z', 1, '2026-02-28'],
    ['2024-03-31T08:00:00Z', 1, '2024-02-29'],
    ['2026-06-15T23:30:00-02:00', 24, '2024-06-16'],
  ])('%s minus %i months is %s', (now, months, expected) => {
    expect(utcDayMonthsBefore(new Date(now), months)).toBe(expected);
  });
});
