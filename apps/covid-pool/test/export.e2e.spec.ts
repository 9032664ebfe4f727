import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { type INestApplication, Logger, type LoggerService } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { PrismaService } from '@app/db';
import { configureService } from '@app/service';
import type { AppLogger } from '@app/logging';
import { AppModule } from '../src/app.module.js';
import { loadCovidPoolConfig } from '../src/config.js';
import { ExportRepository } from '../src/export/export.repository.js';
import {
  type Harness,
  job,
  JOB_TOKEN,
  operator,
  OPERATOR_TOKEN,
  startHarness,
  workbook,
  importKings,
} from './covid-pool.harness.js';

const EXPORT_TOKEN = 'covid-pool-e2e-export-token-0123456789';
const puller = { Authorization: `Bearer ${EXPORT_TOKEN}` };

interface ExportBody {
  colleges: { id: string; name: string; pools: { households: { students: string[] }[] }[] }[];
}

/** Log lines an app wrote, as Nest hands them to its logger. */
class CapturingLogger implements LoggerService {
  readonly lines: { level: string; message: unknown; rest: unknown[] }[] = [];
  log = (message: unknown, ...rest: unknown[]) => this.lines.push({ level: 'log', message, rest });
  warn = (message: unknown, ...rest: unknown[]) => this.lines.push({ level: 'warn', message, rest });
  error = (message: unknown, ...rest: unknown[]) => this.lines.push({ level: 'error', message, rest });
  /** The same lines, as the service's access log writes them (`configureService`'s logger). */
  readonly access: AppLogger = Object.fromEntries(
    (['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const).map((level) => [
      level,
      (message: unknown, ...rest: unknown[]) => this.lines.push({ level, message, rest }),
    ]),
  ) as unknown as AppLogger;
}

/**
 * Another instance of covid-pool on the harness's database, as Cloud Run runs several: same code,
 * its own memory, its own connection pool.
 */
async function startInstance(
  databaseUrl: string,
  env: Record<string, string> = {},
  logger: LoggerService | false = false,
): Promise<INestApplication> {
  const config = loadCovidPoolConfig({
    DATABASE_URL: databaseUrl,
    JOB_TOKEN,
    OPERATOR_TOKEN,
    EXPORT_TOKEN,
    LOG_LEVEL: 'silent',
    ...env,
  });
  const moduleRef = await Test.createTestingModule({ imports: [AppModule.forRoot(config)] }).compile();
  const app = moduleRef.createNestApplication({ logger });
  configureService(
    app,
    { app: 'covid-pool', description: 'test' },
    logger instanceof CapturingLogger ? logger.access : undefined,
  );
  await app.init();
  return app;
}

/** Takes the app's only database connection until `release` is called. */
async function holdTheConnection(app: INestApplication): Promise<{ release(): Promise<void> }> {
  const prisma = app.get(PrismaService);
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let holding!: () => void;
  const held = new Promise<void>((resolve) => (holding = resolve));
  const transaction = prisma.$transaction(
    async (tx) => {
      await tx.$queryRaw`SELECT 1`;
      holding();
      await released;
    },
    { timeout: 30_000 },
  );
  await held;
  return {
    async release() {
      release();
      await transaction;
    },
  };
}

describe('GET /export', () => {
  let h: Harness;
  let other: INestApplication;
  const onA = () => request(h.app.getHttpServer());
  const onB = () => request(other.getHttpServer());
  const students = (body: ExportBody) => body.colleges[0]?.pools[0]?.households[0]?.students;

  beforeAll(async () => {
    h = await startHarness();
    other = await startInstance(h.db.url);
    await importKings(h);
  });
  afterAll(async () => {
    await other.close();
    await h.close();
  });

  it('serves the new data right after an import commits, on this instance and on another', async () => {
    const beforeA = await onA().get('/export').set(job).expect(200);
    const beforeB = await onB().get('/export').set(puller).expect(200);
    expect(students(beforeB.body as ExportBody)).toEqual(['ab123']);
    expect(beforeB.headers.etag).toBe(beforeA.headers.etag);

    h.sheets.setSpreadsheet('sheet-kings', workbook({ A: { A1: ['ab123', 'cd456'] } }));
    await onA().post('/colleges/kings/import').set(job).expect(200);

    const afterA = await onA().get('/export').set(job).expect(200);
    const afterB = await onB()
      .get('/export')
      .set(puller)
      .set('If-None-Match', beforeB.headers.etag)
      .expect(200);
    expect(students(afterA.body as ExportBody)).toEqual(['ab123', 'cd456']);
    expect(students(afterB.body as ExportBody)).toEqual(['ab123', 'cd456']);
    expect(afterB.headers.etag).not.toBe(beforeB.headers.etag);
    expect(afterB.headers.etag).toBe(afterA.headers.etag);
  });

  it('serves the new name right after a College is edited on another instance', async () => {
    await onA().get('/export').set(job).expect(200);
    await onB()
      .put('/colleges/kings')
      .set(operator)
      .send({ name: "King's College, Cambridge", spreadsheetId: 'sheet-kings' })
      .expect(200);
    const after = await onA().get('/export').set(job).expect(200);
    expect((after.body as ExportBody).colleges[0]?.name).toBe("King's College, Cambridge");
    const csv = await onB().get('/export?format=csv').set(puller).expect(200);
    expect(csv.text).toContain('kings,A,A1,cd456\r\n');
  });

  it('answers 304 to the current tag, in each format, on any instance', async () => {
    for (const path of ['/export', '/export?format=csv']) {
      const first = await onA().get(path).set(job).expect(200);
      const tag = String(first.headers.etag);
      await onA().get(path).set(job).set('If-None-Match', tag).expect(304);
      const fromB = await onB().get(path).set(puller).set('If-None-Match', `"stale", ${tag}`).expect(304);
      expect(fromB.headers.etag).toBe(tag);
      expect(fromB.text).toBe('');
    }
  });

  it('sends the gzipped copy to a client that accepts gzip, the plain body otherwise; both tags get a 304', async () => {
    const plain = await onA().get('/export').set(job).set('Accept-Encoding', 'identity').expect(200);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.headers.vary).toMatch(/Accept-Encoding/);
    const zipped = await onA().get('/export').set(job).set('Accept-Encoding', 'gzip').expect(200);
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(Number(zipped.headers['content-length'])).toBeLessThan(Number(plain.headers['content-length']));
    // supertest unzips: the content is the same.
    expect(zipped.body).toEqual(plain.body);
    expect(zipped.headers.etag).toBe(String(plain.headers.etag).replace(/"$/, '-gzip"'));
    for (const tag of [plain.headers.etag, zipped.headers.etag]) {
      await onB()
        .get('/export')
        .set(puller)
        .set('Accept-Encoding', 'identity')
        .set('If-None-Match', String(tag))
        .expect(304);
      await onB()
        .get('/export')
        .set(puller)
        .set('Accept-Encoding', 'gzip')
        .set('If-None-Match', String(tag))
        .expect(304);
    }
  });

  it('builds a cold cache once for many concurrent requests, then reads no snapshot while nothing changes', async () => {
    const cold = await startInstance(h.db.url);
    try {
      const snapshots = jest.spyOn(cold.get(ExportRepository), 'readSnapshot');
      const server = cold.getHttpServer();
      const answers = await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          request(server)
            .get(i % 2 === 0 ? '/export' : '/export?format=csv')
            .set(puller),
        ),
      );
      expect(answers.map((a) => a.status)).toEqual(answers.map(() => 200));
      expect(snapshots).toHaveBeenCalledTimes(1);
      for (let i = 0; i < 10; i++) await request(server).get('/export').set(puller).expect(200);
      expect(snapshots).toHaveBeenCalledTimes(1);
    } finally {
      await cold.close();
    }
  });

  describe('the export role', () => {
    it.each([
      ['post', '/jobs/import-all'],
      ['post', '/colleges/kings/import'],
      ['post', '/colleges/kings/import?dry_run=1'],
      ['get', '/runs'],
      ['get', '/colleges'],
      ['get', '/colleges/kings'],
      ['get', '/colleges/kings/imports'],
      ['put', '/colleges/kings'],
    ] as const)('is refused on %s %s (403) and starts nothing', async (method, path) => {
      const runs = await h.db.prisma().jobRun.count();
      const call = onB()[method](path);
      const response = await call
        .set(puller)
        .send(method === 'put' ? { name: 'X', spreadsheetId: 'sheet-kings' } : undefined)
        .expect(403);
      expect(response.body.message).toMatch(
        /^caller token:export is not allowed to call (job|operator|job or operator|operator or job) endpoints$/,
      );
      expect(await h.db.prisma().jobRun.count()).toBe(runs);
    });

    it('reads the export (JSON and CSV); bad input is still a 400', async () => {
      await onB().get('/export').set(puller).expect(200);
      await onB().get('/export?format=csv').set(puller).expect(200);
      const bad = await onB().get('/export?format=xml').set(puller).expect(400);
      expect(bad.body.message).toBe('format must be json or csv');
    });

    it('needs a valid token: none or a wrong one is a 401', async () => {
      await onB().get('/export').expect(401);
      await onB().get('/export').set('Authorization', 'Bearer not-the-export-token').expect(401);
    });

    it.each([
      [{ EXPORT_TOKEN: JOB_TOKEN }, 'EXPORT_TOKEN: must differ from JOB_TOKEN and OPERATOR_TOKEN'],
      [{ EXPORT_TOKEN: 'short' }, 'EXPORT_TOKEN'],
    ])('refuses a bad export setting at boot, naming it and not its value (%j)', (env, message) => {
      const load = () => loadCovidPoolConfig({ JOB_TOKEN, OPERATOR_TOKEN, ...env });
      expect(load).toThrow(message);
      expect(load).not.toThrow(env.EXPORT_TOKEN);
    });
  });

  describe('a busy database', () => {
    it('answers 503 with Retry-After when no pooled connection frees up in time, and logs one warning without a stack', async () => {
      const logger = new CapturingLogger();
      const tiny = await startInstance(
        h.db.url,
        { DATABASE_POOL_SIZE: '1', DATABASE_CONNECT_TIMEOUT_MS: '300' },
        logger,
      );
      try {
        await request(tiny.getHttpServer()).get('/export').set(puller).expect(200);
        const hold = await holdTheConnection(tiny);
        Logger.overrideLogger(logger);
        logger.lines.length = 0;
        const busy = await request(tiny.getHttpServer()).get('/export').set(puller);
        await hold.release();
        expect(busy.status).toBe(503);
        expect(busy.headers['retry-after']).toBe('3');
        expect(busy.body).toEqual({
          statusCode: 503,
          error: 'Service Unavailable',
          message: 'The database is busy; retry in 3 seconds',
        });
        // One warning where it happened, and the access line (a warning too: not an error).
        const warnings = logger.lines.filter((l) => l.level === 'warn');
        expect(warnings.map((l) => l.message)).toEqual([
          expect.objectContaining({ event: 'database_busy', reason: 'pool_timeout' }),
          expect.objectContaining({ httpRequest: expect.objectContaining({ status: 503 }) }),
        ]);
        expect(logger.lines.filter((l) => l.level === 'error')).toEqual([]);
        // No stack anywhere: a stack's lines are "\n    at ..." in a value (JSON writes the newline as \n).
        expect(JSON.stringify(logger.lines)).not.toMatch(/\\n\s+at |stack/);
        await request(tiny.getHttpServer()).get('/export').set(puller).expect(200);
      } finally {
        await tiny.close();
      }
    });

    it('answers 503 with Retry-After when a transaction cannot start in time (P2028)', async () => {
      const logger = new CapturingLogger();
      // The pool would wait 10 s for a connection; Prisma gives up starting the transaction after 2 s.
      const tiny = await startInstance(
        h.db.url,
        { DATABASE_POOL_SIZE: '1', DATABASE_CONNECT_TIMEOUT_MS: '10000' },
        logger,
      );
      try {
        const hold = await holdTheConnection(tiny);
        Logger.overrideLogger(logger);
        logger.lines.length = 0;
        const busy = await request(tiny.getHttpServer())
          .put('/colleges/clare')
          .set(operator)
          .send({ name: 'Clare College', spreadsheetId: 'sheet-clare' });
        await hold.release();
        expect(busy.status).toBe(503);
        expect(busy.headers['retry-after']).toBe('3');
        const warnings = logger.lines.filter((l) => l.level === 'warn');
        expect(warnings.map((w) => w.message)).toEqual([
          expect.objectContaining({ event: 'database_busy', reason: 'transaction_timeout', detail: 'P2028' }),
          expect.objectContaining({ httpRequest: expect.objectContaining({ status: 503 }) }),
        ]);
        expect(logger.lines.filter((l) => l.level === 'error')).toEqual([]);
        expect(await h.db.prisma().college.findUnique({ where: { id: 'clare' } })).toBeNull();
      } finally {
        await tiny.close();
      }
    }, 20_000);
  });
});
