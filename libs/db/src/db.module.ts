import {
  type DynamicModule,
  Global,
  Inject,
  Injectable,
  Logger,
  Module,
  type OnApplicationShutdown,
  type ModuleMetadata,
} from '@nestjs/common';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmbeddedDatabase, type EmbeddedDatabase } from './embedded-database.js';
import { cloudSqlIamPassword } from './iam-auth.js';
import { defaultMigrationsDir, migrate } from './migrate.js';
import {
  appClientDir,
  appPrismaClient,
  DB_CONNECTION,
  type DbConnectionOptions,
  PrismaService,
  wholeSchemaPrismaClient,
} from './prisma.service.js';

export interface DbModuleOptions {
  /** Unset: start the embedded database (local runs). */
  url?: string;
  /** DATABASE_IAM_AUTH: log in as the runtime's service account with an access token (Cloud SQL IAM user). */
  iamAuth?: boolean;
  poolSize: number;
  connectTimeoutMs: number;
  embeddedDataDir: string;
  /** Default: the repository's or image's prisma/migrations, wherever the app is started from. */
  migrationsDir?: string;
  /**
   * The app whose generated client to run with (its models and the platform's, see
   * prisma/app-clients.json); unset, or none generated for it: the client of the whole schema,
   * except in production for an app that list names (the boot fails: see `selectPrismaClient`).
   */
  app?: string;
  /** NODE_ENV (default: the process's): `production` refuses a listed app's missing client. */
  nodeEnv?: string;
  /** Default: the repository's or image's prisma/app-clients.json, wherever the app is started from. */
  appClientsFile?: string;
}

/** prisma/app-clients.json beside the migrations (the image copies it there too). */
export function defaultAppClientsFile(): string {
  return fileURLToPath(new URL('../../../prisma/app-clients.json', import.meta.url));
}

/** The apps prisma/app-clients.json names, or undefined when it cannot be read. */
function appsWithOwnClient(file: string): Set<string> | undefined {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    return new Set(Object.keys(parsed).filter((key) => !key.startsWith('$')));
  } catch {
    return undefined;
  }
}

/**
 * The Prisma client DbModule provides: the app's own generated client when there is one, else the
 * whole schema's. Says once in the log which (no connection details). In production an app that
 * prisma/app-clients.json names must have its client: its absence (a build that did not generate
 * it) fails the boot with one line naming the path, rather than running silently on the whole
 * schema's client; so does a list that cannot be read.
 */
export async function selectPrismaClient(
  db: DbModuleOptions,
  connection: DbConnectionOptions,
  logger: Pick<Logger, 'log' | 'warn'> = new Logger('Database'),
): Promise<PrismaService> {
  if (db.app === undefined) {
    logger.log('Prisma client: the whole schema (no app named)');
    return wholeSchemaPrismaClient(connection);
  }
  const own = await appPrismaClient(db.app, connection);
  const dir = appClientDir(db.app);
  if (own !== undefined) {
    logger.log(`Prisma client: ${db.app}'s own (${dir})`);
    return own;
  }
  const file = db.appClientsFile ?? defaultAppClientsFile();
  const listed = appsWithOwnClient(file);
  if ((db.nodeEnv ?? process.env['NODE_ENV']) === 'production') {
    if (listed === undefined) {
      throw new Error(
        `Cannot read ${file}, the list of the apps with their own Prisma client; the image must hold it beside prisma/migrations`,
      );
    }
    if (listed.has(db.app)) {
      throw new Error(
        `${db.app}'s own Prisma client is missing (${dir}): run \`npm run db:generate\` before the build`,
      );
    }
  }
  const why =
    listed?.has(db.app) === true
      ? `${db.app}'s own is missing (${dir}); run \`npm run db:generate\``
      : `${db.app} has none of its own`;
  if (listed?.has(db.app) === true) logger.warn(`Prisma client: the whole schema (${why})`);
  else logger.log(`Prisma client: the whole schema (${why})`);
  return wholeSchemaPrismaClient(connection);
}

const DB_MODULE_OPTIONS = Symbol('DB_MODULE_OPTIONS');
const EMBEDDED = Symbol('EMBEDDED_DATABASE');

@Injectable()
class EmbeddedDatabaseCloser implements OnApplicationShutdown {
  constructor(@Inject(EMBEDDED) private readonly embedded: EmbeddedDatabase | null) {}

  async onApplicationShutdown(): Promise<void> {
    await this.embedded?.stop();
  }
}

/**
 * Provides PrismaService. With no database URL it starts the embedded PostgreSQL under
 * `embeddedDataDir`, applies the migrations and says so in the log: a fresh checkout runs with no
 * database set up. Deployed apps always get DATABASE_URL and never migrate on start.
 */
@Global()
@Module({})
export class DbModule {
  static forRootAsync(options: {
    imports?: ModuleMetadata['imports'];
    inject?: never[] | (string | symbol | (abstract new (...args: never[]) => unknown))[];
    useFactory: (...args: never[]) => DbModuleOptions | Promise<DbModuleOptions>;
  }): DynamicModule {
    return {
      module: DbModule,
      imports: options.imports ?? [],
      providers: [
        { provide: DB_MODULE_OPTIONS, inject: options.inject ?? [], useFactory: options.useFactory },
        {
          provide: EMBEDDED,
          inject: [DB_MODULE_OPTIONS],
          useFactory: async (db: DbModuleOptions): Promise<EmbeddedDatabase | null> => {
            if (db.url !== undefined) return null;
            const logger = new Logger('Database');
            const embedded = await startEmbeddedDatabase({ dataDir: path.resolve(db.embeddedDataDir) });
            const applied = await migrate(
              embedded.url,
              db.migrationsDir === undefined ? defaultMigrationsDir() : path.resolve(db.migrationsDir),
            );
            logger.log(
              `No DATABASE_URL set: started the embedded PostgreSQL (PGlite) with data in ${db.embeddedDataDir}; ` +
                `${applied.length} migration(s) applied`,
            );
            return embedded;
          },
        },
        {
          provide: DB_CONNECTION,
          inject: [DB_MODULE_OPTIONS, EMBEDDED],
          useFactory: (db: DbModuleOptions, embedded: EmbeddedDatabase | null): DbConnectionOptions => ({
            url: db.url ?? (embedded as EmbeddedDatabase).url,
            poolSize: db.poolSize,
            connectTimeoutMs: db.connectTimeoutMs,
            ...(db.iamAuth === true && db.url !== undefined ? { password: cloudSqlIamPassword() } : {}),
          }),
        },
        EmbeddedDatabaseCloser,
        {
          provide: PrismaService,
          inject: [DB_MODULE_OPTIONS, DB_CONNECTION],
          useFactory: (db: DbModuleOptions, connection: DbConnectionOptions): Promise<PrismaService> =>
            selectPrismaClient(db, connection),
        },
      ],
      exports: [PrismaService, DB_CONNECTION],
    };
  }
}
