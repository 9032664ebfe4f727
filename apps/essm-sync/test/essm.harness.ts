import type { INestApplication } from '@nestjs/common';
import type request from 'supertest';
import type { PrismaService, TestDatabase } from '@app/db';
import { OutboxDispatcher } from '@app/notifications';
import { startTestApp, type TestSmtpServer } from '@app/testing';
import { BookerSimulator } from '../../../simulators/booker/booker.simulator.js';
import {
  generateTerm,
  type GeneratedTerm,
  type GenerateTermOptions,
} from '../../../simulators/termtime/generate-term.js';
import { TermTimeSimulator, TERMTIME_API_PATH } from '../../../simulators/termtime/termtime.simulator.js';
import { AppModule } from '../src/app.module.js';
import { BookerClient } from '../src/booker/booker.client.js';
import { type EssmSyncConfig, loadEssmSyncConfig } from '../src/config.js';
import { TermTimeClient } from '../src/termtime/termtime.client.js';

export const JOB_TOKEN = 'essm-sync-e2e-job-token-0123456789';
export const OPERATOR_TOKEN = 'essm-sync-e2e-operator-token-0123456789';
export const TERMTIME_KEY = 'E2eTermTimeKey000001';
export const BOOKER = { username: 'essm-e2e', password: 'essm-e2e-booker-password' };
export const OPS_EMAIL = 'essm-ops@example.ac.uk';
export const job = { Authorization: `Bearer ${JOB_TOKEN}` };
export const operator = { Authorization: `Bearer ${OPERATOR_TOKEN}` };

/** The settings of the e2e runs (limits open unless a test says otherwise). */
export function e2eEnv(termtimeUrl: string, bookerUrl: string, databaseUrl: string): Record<string, string> {
  return {
    NODE_ENV: 'test',
    DATABASE_URL: databaseUrl,
    JOB_TOKEN,
    OPERATOR_TOKEN,
    TERMTIME_URL: termtimeUrl,
    TERMTIME_API_KEY: TERMTIME_KEY,
    TERMTIME_CAMPUS: 'MAIN',
    TERMTIME_DEFAULT_DEPARTMENT: 'UNIV',
    TERMTIME_CAPACITY_TYPE: 'LEC',
    BOOKER_URL: bookerUrl,
    BOOKER_USERNAME: BOOKER.username,
    BOOKER_PASSWORD: BOOKER.password,
    EVENTS_WINDOW_START: '2025-10-01',
    EVENTS_WINDOW_END: '2025-12-31',
    EVENTS_BOOKING_TYPES: 'Lecture=LEC,*=TEACH',
    EVENTS_MAX_CHANGE_RATIO: '1',
    EVENTS_MAX_CANCEL_RATIO: '1',
    OPS_EMAIL,
    LOG_LEVEL: 'silent',
  };
}

export interface EssmHarness {
  app: INestApplication;
  config: EssmSyncConfig;
  db: TestDatabase;
  prisma: PrismaService;
  termtime: TermTimeSimulator;
  booker: BookerSimulator;
  smtp: TestSmtpServer;
  term: GeneratedTerm;
  server(): ReturnType<typeof request>;
  /** Seeds both simulators with a fresh term and forgets every run, link, report, audit row and email. */
  reset(options?: GenerateTermOptions): Promise<GeneratedTerm>;
  deliverEmails(): Promise<void>;
  close(): Promise<void>;
}

export const SMALL_TERM: GenerateTermOptions = { seed: 7, activities: 30, rooms: 8, weeks: 4, quirks: true };

/**
 * The real AppModule on a test database, with the real TermTime and Booker clients talking HTTP to
 * the simulators and email going to a real SMTP server. Only the clients' retry delays are
 * shortened. `env` overrides settings.
 */
export async function startEssmHarness(env: Record<string, string> = {}): Promise<EssmHarness> {
  const t = await startTestApp({
    simulators: {
      termtime: new TermTimeSimulator({ apiKey: TERMTIME_KEY }),
      booker: new BookerSimulator({ username: BOOKER.username, password: BOOKER.password }),
    },
    smtp: true,
    config: ({ db, simulators, mail }) =>
      loadEssmSyncConfig({
        ...e2eEnv(`${simulators.termtime.url}${TERMTIME_API_PATH}`, simulators.booker.url, db.url),
        SMTP_URL: mail.url,
        ...env,
      }),
    appModule: (config) => AppModule.forRoot(config),
    override: (module, { config }) =>
      module
        .overrideProvider(TermTimeClient)
        .useValue(
          new TermTimeClient({
            baseUrl: config.TERMTIME_URL,
            apiKey: config.TERMTIME_API_KEY,
            maxAttempts: 3,
            baseDelayMs: 2,
          }),
        )
        .overrideProvider(BookerClient)
        .useValue(
          new BookerClient({
            baseUrl: config.BOOKER_URL,
            username: config.BOOKER_USERNAME,
            password: config.BOOKER_PASSWORD,
            pageSize: 50,
            maxAttempts: 3,
            baseDelayMs: 2,
            maxDelayMs: 20,
          }),
        ),
  });
  const { termtime, booker } = t.simulators;
  const harness: EssmHarness = {
    app: t.app,
    config: t.config,
    db: t.db,
    prisma: t.prisma,
    termtime,
    booker,
    smtp: t.mail,
    term: generateTerm(SMALL_TERM),
    server: t.http,
    async reset(options = SMALL_TERM) {
      const term = generateTerm(options);
      termtime.reset();
      booker.reset();
      termtime.seed(term.termtime);
      booker.seed(term.booker);
      t.mail.received.length = 0;
      harness.term = term;
      await t.prisma.$executeRawUnsafe(
        'TRUNCATE essm.booking_link, essm.synced_room, essm.conflict_report, platform.planned_change, ' +
          'platform.audit_event, platform.outbox_email, platform.job_run CASCADE',
      );
      return term;
    },
    async deliverEmails() {
      await t.app.get(OutboxDispatcher).dispatchDue();
    },
    close: t.close,
  };
  return harness;
}

/** Our bookings in the Booker simulator that are not cancelled. */
export function activeOurs(booker: BookerSimulator) {
  return booker
    .bookings()
    .filter(
      (booking) =>
        booking.Status === 'Confirmed' && booking.ExternalReference?.startsWith('termtime:') === true,
    );
}
