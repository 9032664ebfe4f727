import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import type { TestDatabase } from '@app/db';
import { configureService } from '@app/service';
import { startTestApp, type TestSmtpServer } from '@app/testing';
import { writeExternalAccountCredentials } from '../../../simulators/sheets/local-credentials.js';
import { SheetsSimulator } from '../../../simulators/sheets/sheets.simulator.js';
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
 * The real AppModule on a test database (`startTestApp`), reading sheets through the real Google
 * client from the Sheets simulator, sending email to a real SMTP server. Only the sheet source's
 * credentials differ from production: an external_account file pointing at the simulator's token
 * endpoint.
 */
export async function startHarness(): Promise<Harness> {
  let source: HoldableSheetSource | undefined;
  const started = await startTestApp({
    simulators: { sheets: new SheetsSimulator() },
    smtp: true,
    async config({ db, simulators, mail, tempDir }) {
      const keyFilename = await writeExternalAccountCredentials(await tempDir(), simulators.sheets.url);
      source = new HoldableSheetSource(
        new GoogleSheetsSource({
          apiUrl: simulators.sheets.url,
          credentialsFile: keyFilename,
          baseDelayMs: 5,
          maxAttempts: 3,
        }),
      );
      return loadCovidPoolConfig({
        PORT: '3001',
        DATABASE_URL: db.url,
        JOB_TOKEN,
        OPERATOR_TOKEN,
        SMTP_URL: mail.url,
        SHEETS_SOURCE: 'google',
        SHEETS_API_URL: simulators.sheets.url,
        COVID_POOL_FALLBACK_CONTACT: FALLBACK,
        LOG_LEVEL: 'silent',
      });
    },
    appModule: (config) => AppModule.forRoot(config),
    override: (module) => module.overrideProvider(SHEET_SOURCE).useValue(source),
    configure: (app) => configureService(app, { app: 'covid-pool', description: 'test' }),
  });
  return {
    app: started.app,
    db: started.db,
    sheets: started.simulators.sheets,
    source: source as HoldableSheetSource,
    smtp: started.mail,
    close: started.close,
  };
}

/** King's College with a one-student sheet, imported: the starting point of several specs. */
export async function importKings(h: Harness): Promise<void> {
  const server = () => request(h.app.getHttpServer());
  await server()
    .put('/colleges/kings')
    .set(operator)
    .send({ name: "King's College", spreadsheetId: 'sheet-kings' })
    .expect(201);
  h.sheets.setSpreadsheet('sheet-kings', workbook({ A: { A1: ['ab123'] } }));
  await server().post('/colleges/kings/import').set(job).expect(200);
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
