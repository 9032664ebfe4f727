import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createTestDatabase, type TestDatabase } from '@app/db';
import { configureService } from '@app/service';
import {
  startTestSmtpServer,
  type TestSmtpServer,
} from '../../../libs/notifications/src/notifications-test.harness.js';
import { writeExternalAccountCredentials } from '../../../simulators/sheets/local-credentials.js';
import { SheetsSimulator } from '../../../simulators/sheets/sheets.simulator.js';
import type { RunningSimulator } from '../../../simulators/common/simulator.js';
import { AppModule } from '../src/app.module.js';
import { loadCovidPoolConfig } from '../src/config.js';
import { GoogleSheetsSource } from '../src/sheet/google-sheets.source.js';
import { SHEET_SOURCE } from '../src/sheet/sheet-source.js';
import { HoldableSheetSource } from './holdable-sheet-source.js';

export const JOB_TOKEN = 'covid-pool-e2e-job-token-0123456789';
export const OPERATOR_TOKEN = 'covid-pool-e2e-operator-token-0123456789';
export const job = { Authorization: `Bearer ${JOB_TOKEN}` };
export const operator = { Authorization: `Bearer ${OPERATOR_TOKEN}` };
export const FALLBACK = 'pool-admins@example.ac.uk';

export interface Harness {
  app: INestApplication;
  db: TestDatabase;
  sheets: SheetsSimulator;
  /** The app's sheet source: the real Google client, with reads a test can hold. */
  source: HoldableSheetSource;
  smtp: TestSmtpServer;
  close(): Promise<void>;
}

/**
 * The real AppModule on a test database, reading sheets through the real Google client from the
 * Sheets simulator, sending email to a real SMTP server. Only the sheet source's credentials differ
 * from production: an external_account file pointing at the simulator's token endpoint.
 */
export async function startHarness(): Promise<Harness> {
  const db = await createTestDatabase();
  const sheets = new SheetsSimulator();
  const simulator: RunningSimulator = await sheets.start();
  const smtp = await startTestSmtpServer();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'covid-pool-e2e-'));
  const keyFilename = await writeExternalAccountCredentials(dir, simulator.url);
  const config = loadCovidPoolConfig({
    PORT: '3001',
    DATABASE_URL: db.url,
    JOB_TOKEN,
    OPERATOR_TOKEN,
    SMTP_URL: smtp.url,
    SHEETS_SOURCE: 'google',
    SHEETS_API_URL: simulator.url,
    COVID_POOL_FALLBACK_CONTACT: FALLBACK,
    LOG_LEVEL: 'silent',
  });
  const source = new HoldableSheetSource(
    new GoogleSheetsSource({
      apiUrl: simulator.url,
      credentialsFile: keyFilename,
      baseDelayMs: 5,
      maxAttempts: 3,
    }),
  );
  const moduleRef = await Test.createTestingModule({ imports: [AppModule.forRoot(config)] })
    .overrideProvider(SHEET_SOURCE)
    .useValue(source)
    .compile();
  const app = moduleRef.createNestApplication({ logger: false });
  configureService(app, { app: 'covid-pool', description: 'test' });
  await app.init();
  return {
    app,
    db,
    sheets,
    source,
    smtp,
    async close() {
      await app.close();
      await simulator.close();
      await smtp.close();
      await db.drop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A valid workbook: `pools` maps pool name -> households, each a list of CRSids. */
export function workbook(
  pools: Record<string, Record<string, string[]>>,
  contacts: string[][] = [['Porter', 'porter@example.ac.uk']],
): Record<string, string[][]> {
  const width = Math.max(1, ...Object.values(pools).flatMap((h) => Object.values(h).map((s) => s.length)));
  return {
    Pools: [
      ['Pool', 'Description', 'Collection day'],
      ...Object.keys(pools).map((p) => [p, `Pool ${p}`, 'Monday']),
    ],
    Households: [
      ['Household', 'Pool', ...Array.from({ length: width }, (_, i) => `Student ${i + 1}`)],
      ...Object.entries(pools).flatMap(([pool, households]) =>
        Object.entries(households).map(([household, students]) => [household, pool, ...students]),
      ),
    ],
    Contacts: [['Name', 'Email'], ...contacts],
  };
}

/** Runs `work` while `table` (schema-qualified) is renamed away, so writes to it fail as on a broken database. */
export async function withTableMissing<T>(
  db: TestDatabase,
  table: string,
  work: () => Promise<T>,
): Promise<T> {
  const [schema, name] = table.split('.');
  const prisma = db.prisma();
  await prisma.$executeRawUnsafe(`ALTER TABLE ${schema}.${name} RENAME TO ${name}_gone`);
  try {
    return await work();
  } finally {
    await prisma.$executeRawUnsafe(`ALTER TABLE ${schema}.${name}_gone RENAME TO ${name}`);
  }
}
