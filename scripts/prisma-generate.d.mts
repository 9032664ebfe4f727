// Types of scripts/prisma-generate.mjs, for its spec.
/** prisma/app-clients.json: each app's own schema files (file names in prisma/schema). */
export function readAppClients(): Promise<Record<string, string[]>>;
/** The schema files every client holds. */
export const SHARED_SCHEMAS: string[];
