import { defineConfig } from 'prisma/config';

// The datasource URL is only needed by prisma CLI commands that talk to a database; this project
// applies migrations with its own command (see scripts/db-migrate.mjs), so generate needs none.
export default defineConfig({
  schema: 'prisma/schema',
  migrations: { path: 'prisma/migrations' },
});
