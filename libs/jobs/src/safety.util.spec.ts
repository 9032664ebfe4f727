import { describe, expect, it } from '@jest/globals';
import { checkSafetyLimits } from './safety.util.js';

describe('checkSafetyLimits', () => {
  it.each([
    // planned, considered, limits, allowed
    [0, 0, { maxChangeRatio: 0.05 }, true],
    [5, 100, { maxChangeRatio: 0.05 }, true],
    [6, 100, { maxChangeRatio: 0.05 }, false],
    [1, 10, { maxChangeRatio: 0.05 }, false],
    [2250, 45000, { maxChangeRatio: 0.05 }, true],
    [2251, 45000, { maxChangeRatio: 0.05 }, false],
    [10, 1000, { maxChangeRatio: 0.05, maxChanges: 10 }, true],
    [11, 1000, { maxChangeRatio: 0.05, maxChanges: 10 }, false],
    [3, 3, {}, true],
    [7, 100, { maxChanges: 7 }, true],
    [8, 100, { maxChanges: 7 }, false],
  ])('%i of %i with %j -> allowed %s', (planned, considered, limits, allowed) => {
    expect(checkSafetyLimits(planned, considered, limits).allowed).toBe(allowed);
  });

  it('explains a refusal with the numbers', () => {
    expect(checkSafetyLimits(6, 100, { maxChangeRatio: 0.05 })).toEqual({
      allowed: false,
      reason: '6 planned changes exceed 5% of the 100 considered (at most 5)',
    });
    expect(checkSafetyLimits(8, 100, { maxChanges: 7 })).toEqual({
      allowed: false,
      reason: '8 planned changes exceed the limit of 7 changes per run',
    });
  });
});
