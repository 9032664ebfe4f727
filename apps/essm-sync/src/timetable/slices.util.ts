/**
 * Long CPU work done a slice at a time while a run's reads wait on the network. A run works out and
 * joins tens of thousands of bookings while Booker's pages are still coming: done in one go, such a
 * step (a sort, a join, the overlaps) holds up every page that arrives meanwhile, and each page held
 * up delays the request for the next. In slices, a page that arrives waits for one slice at most.
 *
 * The work is written once, as a generator that yields when its slice is `due()` (looked at every
 * CHECK_EVERY items in the long loops; per activity or per room where each is itself some work),
 * and run either whole (`runWhole`: `due` is never true, nothing yields, the same code runs
 * straight through, synchronously) or in slices (`runInSlices`: the event loop gets a turn at each
 * yield, so that I/O that has come in is handled first). Not sliced: the maps the read index builds
 * only for unusual reads (links or bookings called for out of reference order, a booking of ours
 * found by reference rather than through its link), and the sweep of one room's bookings.
 */

import { setImmediate } from 'node:timers/promises';

/** The work's steps: it yields (nothing) when its slice is due, and returns its result. */
export type Steps<R> = Generator<void, R, void>;

/** Whether the current slice has had its time. */
export type Due = () => boolean;

/** CPU time a slice may take before the event loop gets a turn. */
export const SLICE_MS = 2;

/** Items (sorted, joined, compared) between two looks at the clock. */
export const CHECK_EVERY = 512;

const never: Due = () => false;

/** Runs the steps straight through (`due` never true), synchronously. */
export function runWhole<R>(steps: (due: Due) => Steps<R>): R {
  const running = steps(never);
  let step = running.next();
  while (step.done !== true) step = running.next();
  return step.value;
}

/** Runs the steps a slice of `sliceMs` at a time, the event loop getting a turn between slices. */
export async function runInSlices<R>(steps: (due: Due) => Steps<R>, sliceMs = SLICE_MS): Promise<R> {
  let sliceStarted = performance.now();
  const due: Due = () => performance.now() - sliceStarted >= sliceMs;
  const running = steps(due);
  let step = running.next();
  while (step.done !== true) {
    // A turn of the event loop: I/O that has come in is handled first.
    await setImmediate();
    sliceStarted = performance.now();
    step = running.next();
  }
  return step.value;
}

/**
 * Sorts `items` in place, as `items.sort(compare)` does (stable: the same order), in steps: runs of
 * CHECK_EVERY items sorted, then merged pairwise, yielding when due between runs and within merges.
 */
export function* sortSteps<T>(items: T[], compare: (a: T, b: T) => number, due: Due): Steps<T[]> {
  const n = items.length;
  const run = CHECK_EVERY;
  for (let lo = 0; lo < n; lo += run) {
    const sorted = items.slice(lo, Math.min(n, lo + run)).sort(compare);
    for (let k = 0; k < sorted.length; k += 1) items[lo + k] = sorted[k];
    if (due()) yield;
  }
  if (n <= run) return items;
  let from = items;
  let to = new Array<T>(n);
  for (let width = run; width < n; width *= 2) {
    for (let lo = 0; lo < n; lo += 2 * width) {
      const mid = Math.min(lo + width, n);
      const hi = Math.min(lo + 2 * width, n);
      let i = lo;
      let j = mid;
      let k = lo;
      while (i < mid && j < hi) {
        // The left one first unless the right one sorts strictly before it: stable.
        to[k++] = compare(from[j], from[i]) < 0 ? from[j++] : from[i++];
        if (k % CHECK_EVERY === 0 && due()) yield;
      }
      while (i < mid) to[k++] = from[i++];
      while (j < hi) to[k++] = from[j++];
    }
    [from, to] = [to, from];
    if (due()) yield;
  }
  if (from !== items) for (let k = 0; k < n; k += 1) items[k] = from[k];
  return items;
}
