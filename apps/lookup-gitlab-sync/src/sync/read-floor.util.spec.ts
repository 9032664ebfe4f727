import { describe, expect, it } from '@jest/globals';
import { type PreviousRead, usersReadRefusal } from './read-floor.util.js';

const last = (usersRead: number): PreviousRead => ({ runId: 'r1', usersRead });

describe('usersReadRefusal', () => {
  it.each<[string, number, PreviousRead | null, number, boolean]>([
    ['no earlier successful run', 0, null, 0.5, false],
    ['the check turned off (ratio 0)', 0, last(1000), 0, false],
    ['an earlier run that read nobody', 0, last(0), 0.5, false],
    ['the same number', 1000, last(1000), 0.5, false],
    ['more users than before', 1500, last(1000), 0.5, false],
    ['exactly at the ratio', 500, last(1000), 0.5, false],
    ['one under the ratio', 499, last(1000), 0.5, true],
    ['an empty read', 0, last(1000), 0.5, true],
    ['a strict ratio of 1: one user fewer', 999, last(1000), 1, true],
  ])('%s', (_name, usersRead, previous, ratio, refused) => {
    expect(usersReadRefusal(usersRead, previous, ratio) !== null).toBe(refused);
  });

  it('says how many were read, against which run and which setting', () => {
    expect(usersReadRefusal(100, last(250), 0.5)).toBe(
      '100 GitLab users read, fewer than 50% of the 250 read by the last successful run r1 ' +
        '(SYNC_MIN_USERS_READ_RATIO): a truncated or empty read?',
    );
  });
});
