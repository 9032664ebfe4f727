import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { DynamicModule, INestApplication, LoggerService } from '@nestjs/common';
import { Test, type TestingModuleBuilder } from '@nestjs/testing';
import request from 'supertest';
import { createTestDatabase, type PrismaService, type TestDatabase } from '@app/db';
import type { Simulator } from '../../../simulators/common/simulator.js';
import { startTestSmtpServer, type TestSmtpServer } from './smtp-server.js';

/** Simulators by the name a test uses for them (`{ gitlab, lookup }`), not started yet. */
export type SimulatorSet = Record<string, Simulator<unknown>>;

/** What `config` and `override` get: everything started so far. */
export interface TestAppContext<S extends SimulatorSet, M extends boolean> {
  /** This test file's own database (a clone of the migrated template). */
  db: TestDatabase;
  /** The simulators, listening on free ports (`simulators.gitlab.url`). */
  simulators: S;
  /** The SMTP server (with `smtp: true`): give `mail.url` as the app's SMTP_URL. */
  mail: M extends true ? TestSmtpServer : undefined;
  /** A new temporary folder (credential files...), removed by `close()`. */
  tempDir(): Promise<string>;
}

export interface TestAppOptions<TConfig, S extends SimulatorSet, M extends boolean> {
  /** The app's root module for a config, as production builds it: `(config) => AppModule.forRoot(config)`. */
  appModule: (config: TConfig) => DynamicModule;
  /** The app's config, usually its own loader fed with test settings pointing at `ctx`. */
  config: (ctx: TestAppContext<S, M>) => TConfig | Promise<TConfig>;
  /** Simulators to start (and close); the test keeps them to seed, inspect and inject faults. */
  simulators?: S;
  /** Start a real SMTP server (npm `smtp-server`) and hand it to `config` and the test as `mail`. */
  smtp?: M;
  /** Provider overrides (a client with short retry delays, a holdable source...). */
  override?: (
    module: TestingModuleBuilder,
    ctx: TestAppContext<S, M> & { config: TConfig },
  ) => TestingModuleBuilder;
  /** Applied to the app before `init()`, as the app's main.ts does (`configureService`...). */
  configure?: (app: INestApplication) => void;
  /** Nest's logger; default none (`false`). */
  logger?: LoggerService | false;
}

export interface TestApp<TConfig, S extends SimulatorSet, M extends boolean> {
  app: INestApplication;
  config: TConfig;
  db: TestDatabase;
  /** A client on the test database, for arranging and checking rows. */
  prisma: PrismaService;
  simulators: S;
  mail: M extends true ? TestSmtpServer : undefined;
  /** A supertest request on the app: `http().get('/runs').set(auth).expect(200)`. */
  http(): ReturnType<typeof request>;
  /** Closes the app, the simulators and the SMTP server, drops the database, removes temp folders. */
  close(): Promise<void>;
}

/**
 * Starts an app as production wires it (its real root module, global pipes, filters and guards) on a
 * test database of its own, with its simulators and, if asked, a real SMTP server; the app's real
 * clients talk HTTP to the simulators. Everything it started is closed by `close()`, and by itself
 * when starting fails part way.
 *
 *   const t = await startTestApp({
 *     simulators: { gitlab: new GitLabSimulator({ token }) },
 *     smtp: true,
 *     config: ({ db, simulators, mail }) => loadConfig({ DATABASE_URL: db.url, GITLAB_URL: simulators.gitlab.url, SMTP_URL: mail.url }),
 *     appModule: (config) => AppModule.forRoot(config),
 *   });
 */
export async function startTestApp<
  TConfig,
  S extends SimulatorSet = Record<never, never>,
  M extends boolean = false,
>(options: TestAppOptions<TConfig, S, M>): Promise<TestApp<TConfig, S, M>> {
  const cleanups: { what: string; run: () => Promise<unknown> }[] = [];
  const closeAll = async () => {
    const errors: unknown[] = [];
    for (const cleanup of cleanups.splice(0).reverse()) {
      try {
        await cleanup.run();
      } catch (error) {
        errors.push(new Error(`closing the test app: ${cleanup.what} failed`, { cause: error }));
      }
    }
    if (errors.length === 1) throw errors[0];
    if (errors.length > 1) throw new AggregateError(errors, 'closing the test app failed');
  };

  try {
    const db = await createTestDatabase();
    cleanups.push({ what: 'dropping the test database', run: () => db.drop() });
    const simulators = options.simulators ?? ({} as S);
    // All settle before going on, so a failed start never leaves another simulator running unclosed.
    const starts = await Promise.allSettled(
      Object.entries(simulators).map(async ([name, simulator]) => {
        await simulator.start();
        cleanups.push({ what: `closing the ${name} simulator`, run: () => simulator.close() });
      }),
    );
    const failed = starts.find((start) => start.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
    let mail: TestSmtpServer | undefined;
    if (options.smtp === true) {
      const server = await startTestSmtpServer();
      mail = server;
      cleanups.push({ what: 'closing the SMTP server', run: () => server.close() });
    }
    const ctx: TestAppContext<S, M> = {
      db,
      simulators,
      mail: mail as TestAppContext<S, M>['mail'],
      async tempDir() {
        const dir = await mkdtemp(path.join(os.tmpdir(), 'usp-test-app-'));
        cleanups.push({
          what: `removing ${dir}`,
          run: () => rm(dir, { recursive: true, force: true }),
        });
        return dir;
      },
    };
    const config = await options.config(ctx);
    let builder = Test.createTestingModule({ imports: [options.appModule(config)] });
    if (options.override !== undefined) builder = options.override(builder, { ...ctx, config });
    const moduleRef = await builder.compile();
    const app = moduleRef.createNestApplication({ logger: options.logger ?? false });
    cleanups.push({ what: 'closing the app', run: () => app.close() });
    options.configure?.(app);
    await app.init();
    const prisma = db.prisma();
    return {
      app,
      config,
      db,
      prisma,
      simulators,
      mail: ctx.mail,
      http: () => request(app.getHttpServer() as Server),
      close: closeAll,
    };
  } catch (error) {
    await closeAll().catch(() => undefined);
    throw error;
  }
}
