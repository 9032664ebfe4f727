// Types of scripts/build.mjs.
export function build(options?: { ifNeeded?: boolean }): Promise<{ built: boolean; files: number }>;
export function withFileLock<T>(
  file: string,
  work: () => Promise<T>,
  options?: { staleMs?: number; waitMs?: number; pollMs?: number },
): Promise<T>;
