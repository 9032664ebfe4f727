import type { PreviousRead } from './sync.types.js';

/**
 * Whether a read of `read` items is implausibly small: fewer than `minRatio` of what the last
 * successful run read. Exactly at the ratio is allowed; `minRatio` 0, or no earlier read, turns the
 * check off. Pure.
 */
export function isBelowReadFloor(read: number, previous: PreviousRead | null, minRatio: number): boolean {
  if (minRatio <= 0 || previous === null || previous.size <= 0) return false;
  return read < minRatio * previous.size - 1e-9;
}
