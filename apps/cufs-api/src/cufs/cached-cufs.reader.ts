import type { CufsProject, CufsPurchaseOrder, CufsReader, CufsValue, CufsValueSet } from './cufs.types.js';
import { LookupCache, type LookupCacheOptions } from './lookup-cache.js';

/**
 * CUFS reads through one cache per kind of record (see LookupCache: TTLs for found and not-found
 * records, single flight, failures never kept). What the checks call.
 */
export class CachedCufsReader implements CufsReader {
  private readonly values: LookupCache<CufsValue>;
  private readonly projects: LookupCache<CufsProject>;
  private readonly purchaseOrders: LookupCache<CufsPurchaseOrder>;

  constructor(
    private readonly source: CufsReader,
    options: LookupCacheOptions,
  ) {
    this.values = new LookupCache(options);
    this.projects = new LookupCache(options);
    this.purchaseOrders = new LookupCache(options);
  }

  getValue(set: CufsValueSet, value: string): Promise<CufsValue | null> {
    return this.values.get(`${set}/${value}`, () => this.source.getValue(set, value));
  }

  getProject(projectNumber: string): Promise<CufsProject | null> {
    return this.projects.get(projectNumber, () => this.source.getProject(projectNumber));
  }

  getPurchaseOrder(number: string): Promise<CufsPurchaseOrder | null> {
    return this.purchaseOrders.get(number, () => this.source.getPurchaseOrder(number));
  }

  clear(): void {
    this.values.clear();
    this.projects.clear();
    this.purchaseOrders.clear();
  }
}
