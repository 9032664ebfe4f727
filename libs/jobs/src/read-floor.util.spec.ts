import { describe, expect, it } from '@jest/globals';
import { isBelowReadFloor } from './read-floor.util.js';
import type { PreviousRead } from './sync.types.js';

const last = (size: number): PreviousRead => ({ runId: 'r1', size });

describe('isBelowReadFloor', () => {
  it.each<[string, number, PreviousRead | null, number, boolean]>([
    ['no earlier successful run', 0, null, 0.5, false],
    ['the check turned off (ratio 0)', 0, last(1000), 0, false],
    ['an earlier run that read nothing', 0, last(0), 0.5, false],
    ['the same number', 1000, last(1000), 0.5, false],
    ['more than before', 1500, last(1000), 0.5, false],
    ['exactly at the ratio', 500, last(1000), 0.5, false],
    ['one under the ratio', 499, last(1000), 0.5, true],
    ['an empty read', 0, last(1000), 0.5, true],
    ['a strict ratio of 1: one fewer', 999, last(1000), 1, true],
  ])('%s', (_name, read, previous, ratio, below) => {
    expect(isBelowReadFloor(read, previous, ratio)).toBe(below);
  });
});
