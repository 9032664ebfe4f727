export interface LookupCacheOptions {
  /** Milliseconds a found record is reused. */
  positiveTtlMs: number;
  /** Milliseconds a "not found" (null) is reused. */
  negativeTtlMs: number;
  /** Most entries kept; the oldest are dropped first. */
  maxEntries: number;
  /** Clock (tests move it instead of sleeping). */
  now?: () => number;
}

interface Entry<T> {
  value: T | null;
  expiresAt: number;
}

/**
 * A read-through cache of one kind of lookup with single flight: identical lookups in flight at once
 * share one load, a found value is reused for `positiveTtlMs` and a `null` (not found) for
 * `negativeTtlMs`, and a failed load is never kept (the next caller tries again). An entry's age is
 * counted from when its load *started*: what the source said then is at least that old, so a cached
 * answer never outlives a change at the source by more than its TTL.
 */
export class LookupCache<T> {
  private readonly entries = new Map<string, Entry<T>>();
  private readonly inFlight = new Map<string, Promise<T | null>>();
  private readonly now: () => number;
  /** Bumped by clear(): a load started in an earlier generation is not kept. */
  private generation = 0;

  constructor(private readonly options: LookupCacheOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Entries held now (expired ones included until they are next asked for or pushed out). */
  get size(): number {
    return this.entries.size;
  }

  get(key: string, load: () => Promise<T | null>): Promise<T | null> {
    const cached = this.entries.get(key);
    if (cached !== undefined) {
      if (this.now() < cached.expiresAt) return Promise.resolve(cached.value);
      this.entries.delete(key);
    }
    const pending = this.inFlight.get(key);
    if (pending !== undefined) return pending;
    const startedAt = this.now();
    const generation = this.generation;
    const loading: Promise<T | null> = load()
      .then((value) => {
        const ttl = value === null ? this.options.negativeTtlMs : this.options.positiveTtlMs;
        if (ttl > 0 && generation === this.generation) this.store(key, { value, expiresAt: startedAt + ttl });
        return value;
      })
      .finally(() => {
        if (this.inFlight.get(key) === loading) this.inFlight.delete(key);
      });
    this.inFlight.set(key, loading);
    return loading;
  }

  /** Forgets every entry; loads in flight still answer their callers but are not kept or joined. */
  clear(): void {
    this.generation += 1;
    this.entries.clear();
    this.inFlight.clear();
  }

  private store(key: string, entry: Entry<T>): void {
    this.entries.delete(key);
    this.entries.set(key, entry);
    while (this.entries.size > this.options.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }
}
