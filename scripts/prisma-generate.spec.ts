import { describe, expect, it } from '@jest/globals';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { loadManifest, repositoryRoot } from './manifest.mjs';
import { readAppClients, SHARED_SCHEMAS } from './prisma-generate.mjs';

/** prisma/app-clients.json: which schema files each app's own Prisma client holds. */
describe('prisma/app-clients.json', () => {
  const schemaFiles = readdirSync(path.join(repositoryRoot, 'prisma/schema')).filter((f) =>
    f.endsWith('.prisma'),
  );

  it('lists every app of apps/manifest.json, and nothing else', async () => {
    const clients = await readAppClients();
    expect(Object.keys(clients).sort()).toEqual(
      loadManifest()
        .apps.map((app) => app.name)
        .sort(),
    );
  });

  it("names schema files that exist, and gives each app's schema file to an app", async () => {
    const clients = await readAppClients();
    const claimed = Object.values(clients).flat();
    for (const file of claimed) expect(schemaFiles).toContain(file);
    for (const file of SHARED_SCHEMAS) expect(schemaFiles).toContain(file);
    expect(schemaFiles.filter((f) => !SHARED_SCHEMAS.includes(f) && !claimed.includes(f))).toEqual([]);
  });
});
