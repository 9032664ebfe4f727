// Types of scripts/bundle.mjs.
export function bundleEntry(entry: string): Promise<number>;
export function bundleEntries(dist: string): Promise<string[]>;
