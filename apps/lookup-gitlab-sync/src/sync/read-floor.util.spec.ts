import { describe, expect, it } from '@jest/globals';
import { usersReadFloorReason } from './read-floor.util.js';

describe('usersReadFloorReason', () => {
  it('says how many were read, against which run and which setting', () => {
    expect(usersReadFloorReason(100, { runId: 'r1', size: 250 }, 0.5)).toBe(
      '100 GitLab users read, fewer than 50% of the 250 read by the last successful run r1 ' +
        '(SYNC_MIN_USERS_READ_RATIO): a truncated or empty read?',
    );
  });
});
