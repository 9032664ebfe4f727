export {
  appPrismaClient,
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
export { grantAppRoles, parseAppGrants, type AppGrant, type GrantOutcome } from './grants.js';
export { importLocalOnly, LocalOnlyPackageMissingError } from './local-only.js';
export { createTestDatabase, adminQuery, withDatabaseName, type TestDatabase } from './testing.js';
// The generated client: PrismaClient, the Prisma namespace, model types (JobRun, College...) and enums.
export * from './generated/client.js';
