// `npm run db:migrate`: applies prisma/migrations to DATABASE_URL (or, unset, to the embedded local
// database under .data/pglite). `npm run db:migrate -- --status` lists applied and pending ones.
// In the container image dist/ is already built; in a checkout it is built first when needed.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = (p) => pathToFileURL(path.join(root, 'dist', p)).href;
if (
  existsSync(path.join(root, 'scripts/build.mjs')) &&
  existsSync(path.join(root, 'node_modules/@swc/core'))
) {
  const { build } = await import('./build.mjs');
  await build({ ifNeeded: true });
}
const { migrate, migrationStatus } = await import(dist('libs/db/migrate.js'));
// The migrations are found from migrate.js's own location (dist/libs/db -> prisma/migrations), in a
// checkout and in the image alike, wherever the command is started from.

let url = process.env.DATABASE_URL;
let embedded;
if (!url) {
  const { startEmbeddedDatabase } = await import(dist('libs/db/embedded-database.js'));
  embedded = await startEmbeddedDatabase({
    dataDir: path.join(root, process.env.EMBEDDED_DATA_DIR ?? '.data/pglite'),
  });
  url = embedded.url;
  console.log(`No DATABASE_URL: using the embedded database in ${embedded.location}`);
}
let failed = false;
try {
  if (process.argv.includes('--status')) {
    const status = await migrationStatus(url);
    for (const m of status.applied) {
      const changed = status.modified.some((f) => f.name === m.name)
        ? '  (file changed since it was applied!)'
        : '';
      console.log(`applied  ${m.name}  ${m.finishedAt?.toISOString() ?? 'unfinished'}${changed}`);
    }
    for (const m of status.pending) console.log(`pending  ${m.name}`);
    for (const name of status.missing) console.log(`missing  ${name}  (recorded in the database, no file)`);
    failed = status.modified.length > 0;
  } else {
    const applied = await migrate(url, undefined, (line) => console.log(line));
    console.log(applied.length === 0 ? 'Database is up to date.' : `Applied ${applied.length} migration(s).`);
    // Deployed: each app's IAM database user gets its own schema and platform (Terraform writes the
    // list; docs/operations.md, "Database roles").
    if (process.env.DATABASE_APP_GRANTS) {
      const { grantAppRoles, parseAppGrants } = await import(dist('libs/db/grants.js'));
      for (const outcome of await grantAppRoles(url, parseAppGrants(process.env.DATABASE_APP_GRANTS))) {
        if (outcome.missingRole)
          console.log(`grants: no role ${outcome.role} yet (it gets its grants next time)`);
        else console.log(`grants: ${outcome.role} may use ${outcome.granted.join(', ') || 'nothing'}`);
        if (outcome.missingSchemas.length > 0) {
          console.log(`grants: ${outcome.role}: no schema ${outcome.missingSchemas.join(', ')} yet`);
        }
      }
    }
  }
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  failed = true;
} finally {
  await embedded?.stop();
}
process.exit(failed ? 1 : 0);
