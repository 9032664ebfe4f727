import { describe, expect, it } from '@jest/globals';
import { CHECK_EVERY, type Due, runInSlices, runWhole, sortSteps, type Steps } from './slices.util.js';

/** Seeded: the same items every run. */
function items(count: number, seed: number): { key: number; at: number }[] {
  let state = seed;
  return Array.from({ length: count }, (_, at) => {
    state = (state * 48_271) % 2_147_483_647;
    // Few distinct keys: many ties, where a sort that is not stable shows.
    return { key: state % 97, at };
  });
}
const byKey = (a: { key: number }, b: { key: number }) => a.key - b.key;

describe('sortSteps: Array.prototype.sort in steps', () => {
  it.each([0, 1, 2, CHECK_EVERY - 1, CHECK_EVERY, CHECK_EVERY + 1, 3 * CHECK_EVERY + 7, 5000])(
    'sorts %i items in place as sort does, ties in their order (stable)',
    (count) => {
      const list = items(count, 20_261_127 + count);
      const expected = [...list].sort(byKey);
      const sorted = runWhole((due) => sortSteps(list, byKey, due));
      expect(sorted).toBe(list);
      expect(sorted).toEqual(expected);
    },
  );

  it('gives the same order in slices, the event loop getting turns between them', async () => {
    const list = items(5000, 7);
    const expected = [...list].sort(byKey);
    let turns = 0;
    let ticking = true;
    const tick = (): void => {
      turns += 1;
      if (ticking) setImmediate(tick);
    };
    setImmediate(tick);
    // A slice of 0 ms is due at every look at the clock.
    const sorted = await runInSlices((due) => sortSteps(list, byKey, due), 0);
    ticking = false;
    expect(sorted).toEqual(expected);
    // 5000 items: 10 runs sorted, then 4 passes of merging, each looking at the clock.
    expect(turns).toBeGreaterThan(10);
  });
});

describe('runWhole and runInSlices', () => {
  function* counting(due: Due, looks: { count: number }): Steps<string> {
    for (let i = 0; i < 3; i += 1) {
      looks.count += 1;
      if (due()) yield;
    }
    return 'done';
  }

  it('runWhole runs the steps straight through, synchronously, never due', () => {
    const looks = { count: 0 };
    expect(runWhole((due) => counting(due, looks))).toBe('done');
    expect(looks.count).toBe(3);
  });

  it('runInSlices gives the event loop a turn at each yield, and returns the result', async () => {
    const looks = { count: 0 };
    const order: string[] = [];
    setImmediate(() => order.push('turn'));
    const running = runInSlices((due) => counting(due, looks), 0).then((result) => {
      order.push(result);
    });
    // The first slice ran at once, up to its first yield.
    expect(looks.count).toBe(1);
    await running;
    expect(looks.count).toBe(3);
    expect(order).toEqual(['turn', 'done']);
  });

  it('runInSlices does not yield while the slice has time left', async () => {
    const looks = { count: 0 };
    const order: string[] = [];
    setImmediate(() => order.push('turn'));
    await runInSlices((due) => counting(due, looks), 60_000).then((result) => order.push(result));
    expect(order).toEqual(['done']);
  });
});
