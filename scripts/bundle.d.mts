// Types of scripts/bundle.mjs.
export function bundleEntry(entry: string): Promise<number>;
export function bundleEntries(dist: string): Promise<string[]>;
export function lineMappings(map: { mappings: string; names?: string[]; [key: string]: unknown }): {
  mappings: string;
  names: string[];
  [key: string]: unknown;
};
