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
import path from 'node:path';
import { startEmbeddedDatabase, type EmbeddedDatabase } from './embedded-database.js';
import { cloudSqlIamPassword } from './iam-auth.js';
import { defaultMigrationsDir, migrate } from './migrate.js';
import { appPrismaClient, DB_CONNECTION, type DbConnectionOptions, PrismaService } from './prisma.service.js';

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
   * prisma/app-clients.json); unset, or none generated for it: the client of the whole schema.
   */
  app?: string;
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
          useFactory: async (db: DbModuleOptions, connection: DbConnectionOptions): Promise<PrismaService> =>
            (db.app === undefined ? undefined : await appPrismaClient(db.app, connection)) ??
            new PrismaService(connection),
        },
      ],
      exports: [PrismaService, DB_CONNECTION],
    };
  }
}
