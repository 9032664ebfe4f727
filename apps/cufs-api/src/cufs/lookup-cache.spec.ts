import { describe, expect, it } from '@jest/globals';
import { LookupCache } from './lookup-cache.js';

/** A load the test resolves or rejects by hand, counting how often it was started. */
function deferredLoads<T>() {
  const pending: { resolve: (value: T | null) => void; reject: (error: Error) => void }[] = [];
  return {
    pending,
    load: () =>
      new Promise<T | null>((resolve, reject) => {
        pending.push({ resolve, reject });
      }),
  };
}

describe('LookupCache', () => {
  const make = (now: () => number, maxEntries = 100) =>
    new LookupCache<string>({ positiveTtlMs: 60_000, negativeTtlMs: 10_000, maxEntries, now });

  it('shares one load between identical lookups in flight, and not between different keys', async () => {
    const cache = make(() => 0);
    const loads = deferredLoads<string>();
    const a = cache.get('a', loads.load);
    const b = cache.get('a', loads.load);
    const c = cache.get('c', loads.load);
    expect(loads.pending).toHaveLength(2);
    loads.pending[0]?.resolve('A');
    loads.pending[1]?.resolve('C');
    expect(await Promise.all([a, b, c])).toEqual(['A', 'A', 'C']);
  });

  it('reuses a found value until its TTL, counted from when the load started', async () => {
    let now = 1_000;
    const cache = make(() => now);
    const loads = deferredLoads<string>();
    const first = cache.get('a', loads.load);
    now += 5_000; // the source was slow: its answer is already 5 s old when it arrives
    loads.pending[0]?.resolve('A');
    expect(await first).toBe('A');
    now = 1_000 + 60_000 - 1;
    expect(await cache.get('a', loads.load)).toBe('A');
    expect(loads.pending).toHaveLength(1);
    now = 1_000 + 60_000;
    const again = cache.get('a', loads.load);
    expect(loads.pending).toHaveLength(2);
    loads.pending[1]?.resolve('A2');
    expect(await again).toBe('A2');
  });

  it('reuses a not-found for the shorter negative TTL', async () => {
    let now = 0;
    const cache = make(() => now);
    const loads = deferredLoads<string>();
    const first = cache.get('a', loads.load);
    loads.pending[0]?.resolve(null);
    expect(await first).toBeNull();
    now = 9_999;
    expect(await cache.get('a', loads.load)).toBeNull();
    now = 10_000;
    void cache.get('a', loads.load);
    expect(loads.pending).toHaveLength(2);
  });

  it('never keeps a failure: every waiter gets it and the next lookup loads again', async () => {
    const cache = make(() => 0);
    const loads = deferredLoads<string>();
    const a = cache.get('a', loads.load);
    const b = cache.get('a', loads.load);
    loads.pending[0]?.reject(new Error('CUFS down'));
    await expect(a).rejects.toThrow('CUFS down');
    await expect(b).rejects.toThrow('CUFS down');
    const c = cache.get('a', loads.load);
    expect(loads.pending).toHaveLength(2);
    loads.pending[1]?.resolve('A');
    expect(await c).toBe('A');
  });

  it('keeps at most maxEntries, dropping the oldest', async () => {
    const cache = make(() => 0, 2);
    for (const key of ['a', 'b', 'c']) await cache.get(key, () => Promise.resolve(key.toUpperCase()));
    expect(cache.size).toBe(2);
    let loaded = 0;
    const load = () => {
      loaded += 1;
      return Promise.resolve('again');
    };
    expect(await cache.get('c', load)).toBe('C');
    expect(await cache.get('a', load)).toBe('again');
    expect(loaded).toBe(1);
  });

  it('keeps nothing with a TTL of 0', async () => {
    const cache = new LookupCache<string>({
      positiveTtlMs: 0,
      negativeTtlMs: 0,
      maxEntries: 10,
      now: () => 0,
    });
    await cache.get('a', () => Promise.resolve('A'));
    expect(cache.size).toBe(0);
  });

  it('does not keep what a load started before clear() answers afterwards', async () => {
    const cache = make(() => 0);
    const loads = deferredLoads<string>();
    const before = cache.get('a', loads.load);
    cache.clear();
    loads.pending[0]?.resolve('old');
    // Its own caller still hears the answer; the cache does not keep it.
    expect(await before).toBe('old');
    expect(cache.size).toBe(0);
    const after = cache.get('a', loads.load);
    expect(loads.pending).toHaveLength(2);
    loads.pending[1]?.resolve('new');
    expect(await after).toBe('new');
    expect(await cache.get('a', loads.load)).toBe('new');
  });

  it('after clear(), a lookup does not join a load started before it, and keeps single flight', async () => {
    const cache = make(() => 0);
    const loads = deferredLoads<string>();
    const before = cache.get('a', loads.load);
    cache.clear();
    const first = cache.get('a', loads.load);
    expect(loads.pending).toHaveLength(2);
    // The old load ending must not drop the new one from the lookups in flight.
    loads.pending[0]?.resolve('old');
    await before;
    const second = cache.get('a', loads.load);
    expect(loads.pending).toHaveLength(2);
    loads.pending[1]?.resolve('new');
    expect(await Promise.all([first, second])).toEqual(['new', 'new']);
    expect(await cache.get('a', loads.load)).toBe('new');
  });
});
