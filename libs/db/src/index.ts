export {
  appPrismaClient,
  wholeSchemaPrismaClient,
  PrismaService,
  DB_CONNECTION,
  type DbConnectionOptions,
  type PrismaTx,
} from './prisma.service.js';
export { DbModule, type DbModuleOptions } from './db.module.js';
export {
  mapPrismaError,
  DatabaseBusyException,
  DATABASE_BUSY_RETRY_AFTER_SECONDS,
  type DatabaseBusyReason,
} from './prisma-errors.js';
export {
  defaultMigrationsDir,
  migrate,
  migrationStatus,
  readMigrations,
  MigrationError,
  type MigrationFile,
  type MigrationStatus,
} from './migrate.js';
export { startEmbeddedDatabase, type EmbeddedDatabase } from './embedded-database.js';
export { cloudSqlIamPassword, clientWithPassword, CLOUD_SQL_LOGIN_SCOPE } from './iam-auth.js';
export { nodePostgres } from './node-postgres.js';
export { grantAppRoles, parseAppGrants, type AppGrant, type GrantOutcome } from './grants.js';
export { importLocalOnly, LocalOnlyPackageMissingError } from './local-only.js';
export { createTestDatabase, adminQuery, withDatabaseName, type TestDatabase } from './testing.js';
// The whole schema's generated types (PrismaClient, model types such as JobRun and College), its
// Prisma namespace (errors, sql, DbNull...) and enums. Only the types come from the generated
// client module: loading it builds the client of every model, which an app never needs at run time
// (it runs its own, see PrismaService).
export type * from './generated/client.js';
// `Prisma`: the types of the module the generated client.js re-exports as `Prisma` (Prisma's
// generator calls it internal, so after a Prisma upgrade check it is still there: the typecheck fails
// if it moved), and the values of it that code uses, from Prisma's runtime (see prisma-namespace.ts).
export * as Prisma from './prisma-namespace.js';
export * from './generated/enums.js';
export * as $Enums from './generated/enums.js';
