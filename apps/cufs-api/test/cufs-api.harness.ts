import { Logger, type INestApplication, type LoggerService } from '@nestjs/common';
import type request from 'supertest';
import { configureService } from '@app/service';
import { startTestApp } from '@app/testing';
import { CufsSimulator } from '../../../simulators/cufs/cufs.simulator.js';
import { DEMO_STORAGE_SUPPLIER, demoCufsData } from '../../../simulators/cufs/demo-data.js';
import { AppModule } from '../src/app.module.js';
import { loadCufsApiConfig } from '../src/config.js';
import { CachedCufsReader } from '../src/cufs/cached-cufs.reader.js';
import { CufsClient } from '../src/cufs/cufs.client.js';
import { CUFS_READER, cufsAuthFrom } from '../src/cufs/cufs.module.js';

export const JOB_TOKEN = 'cufs-api-e2e-caller-token-0123456789';
export const OPERATOR_TOKEN = 'cufs-api-e2e-operator-token-0123456789';
export const CUFS_CLIENT = { clientId: 'cufs-api-e2e', clientSecret: 'cufs-e2e-client-secret-0123' };
export const caller = { Authorization: `Bearer ${JOB_TOKEN}` };
export const operator = { Authorization: `Bearer ${OPERATOR_TOKEN}` };
/** Every check in these specs is made on this date, so the demo data's dates give fixed answers. */
export const DATE = '2026-06-01';

export interface CufsApiHarness {
  app: INestApplication;
  cufs: CufsSimulator;
  client: CufsClient;
  server(): ReturnType<typeof request>;
  /** The cache's clock: tests move it instead of sleeping. */
  clock: { now: number };
  /** CUFS API calls (reads) the simulator answered or was sent, tokens not counted. */
  cufsReads(): number;
  /** Demo data again, no faults or latency, an empty call log and an empty cache. */
  reset(): void;
  close(): Promise<void>;
}

/**
 * The real AppModule on a test database, its real CUFS client (OAuth2) talking HTTP to the CUFS
 * simulator. Overridden: the client's timeout and retry delays (short, so a CUFS that never answers
 * fails in about two seconds) and the cache's clock.
 */
export async function startCufsApiHarness(
  env: Record<string, string> = {},
  /** When given, every log line (message and fields, as JSON) is kept here. */
  logLines?: string[],
): Promise<CufsApiHarness> {
  const clock = { now: Date.parse(`${DATE}T09:00:00Z`) };
  let reader: CachedCufsReader | undefined;
  let cufsClient: CufsClient | undefined;
  const started = await startTestApp({
    simulators: { cufs: new CufsSimulator({ oauth2: CUFS_CLIENT }) },
    config: ({ db, simulators }) =>
      loadCufsApiConfig({
        NODE_ENV: 'test',
        DATABASE_URL: db.url,
        JOB_TOKEN,
        OPERATOR_TOKEN,
        CUFS_URL: simulators.cufs.url,
        CUFS_AUTH: 'oauth2',
        CUFS_CLIENT_ID: CUFS_CLIENT.clientId,
        CUFS_CLIENT_SECRET: CUFS_CLIENT.clientSecret,
        CUFS_CACHE_TTL: '300',
        CUFS_NEGATIVE_CACHE_TTL: '30',
        FINANCE_PO_SUPPLIER: DEMO_STORAGE_SUPPLIER,
        LOG_LEVEL: 'silent',
        ...env,
      }),
    appModule: (config) => AppModule.forRoot(config),
    configure: (app) => configureService(app, { app: 'cufs-api', description: 'test' }),
    logger: logLines === undefined ? false : recordingLogger(logLines),
    override: (module, { config }) => {
      const logger = new Logger('CufsClient');
      cufsClient = new CufsClient({
        baseUrl: config.CUFS_URL,
        auth: cufsAuthFrom(config),
        onRetry: (info) => logger.warn({ event: 'cufs_retry', ...info }),
        // Short enough that a CUFS that never answers fails a check in about 2 s, long enough for a
        // loaded machine to answer every real read within one attempt.
        timeoutMs: 1000,
        deadlineMs: 2100,
        maxAttempts: 2,
        baseDelayMs: 1,
      });
      reader = new CachedCufsReader(cufsClient, {
        positiveTtlMs: config.CUFS_CACHE_TTL * 1000,
        negativeTtlMs: config.CUFS_NEGATIVE_CACHE_TTL * 1000,
        maxEntries: config.CUFS_CACHE_MAX_ENTRIES,
        now: () => clock.now,
      });
      return module
        .overrideProvider(CufsClient)
        .useValue(cufsClient)
        .overrideProvider(CUFS_READER)
        .useValue(reader);
    },
  });
  const cufs = started.simulators.cufs;
  cufs.seed(demoCufsData());
  if (reader === undefined || cufsClient === undefined)
    throw new Error('the CUFS overrides were not applied');
  const cache = reader;
  return {
    app: started.app,
    cufs,
    client: cufsClient,
    server: started.http,
    clock,
    cufsReads: () => cufs.control.callCount({ path: '/api/v1' }),
    reset() {
      cufs.reset();
      cufs.seed(demoCufsData());
      cache.clear();
    },
    close: started.close,
  };
}

/** A Nest logger keeping each line with all its arguments as JSON. */
function recordingLogger(lines: string[]): LoggerService {
  const record =
    (level: string) =>
    (...parts: unknown[]): void => {
      lines.push(`${level}: ${JSON.stringify(parts)}`);
    };
  return {
    log: record('log'),
    error: record('error'),
    warn: record('warn'),
    debug: record('debug'),
    verbose: record('verbose'),
  };
}
