import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, type DynamicModule, Get, Inject, Module } from '@nestjs/common';
import { access } from 'node:fs/promises';
import { connect } from 'node:net';
import { adminQuery, DbModule, PrismaService } from '@app/db';
import { LookupSimulator } from '../../../simulators/lookup/lookup.simulator.js';
import { startTestApp, type TestApp } from './index.js';

interface ProbeConfig {
  databaseUrl: string;
  lookupUrl: string;
  smtpUrl: string;
}

@Controller()
class ProbeController {
  constructor(
    private readonly prisma: PrismaService,
    @Inject('CONFIG') private readonly config: ProbeConfig,
  ) {}

  @Get('probe')
  async probe() {
    const rows = await this.prisma.$queryRawUnsafe<{ name: string }[]>('SELECT current_database() AS name');
    const lookup = await fetch(`${this.config.lookupUrl}/api/v1/person/list?crsids=ab1&format=json`);
    return { database: rows[0]?.name, lookupStatus: lookup.status };
  }
}

@Module({})
class ProbeModule {
  static forRoot(config: ProbeConfig): DynamicModule {
    return {
      module: ProbeModule,
      imports: [
        DbModule.forRootAsync({
          useFactory: () => ({
            url: config.databaseUrl,
            poolSize: 2,
            connectTimeoutMs: 5000,
            embeddedDataDir: '.data/unused',
          }),
        }),
      ],
      controllers: [ProbeController],
      providers: [{ provide: 'CONFIG', useValue: config }],
    };
  }
}

const adminUrl = process.env['USP_TEST_ADMIN_URL'];

async function databaseExists(url: string): Promise<boolean | undefined> {
  // Only a PostgreSQL server has a catalogue to look in; an embedded database simply stops.
  if (adminUrl === undefined || process.env['USP_TEST_DB_MODE'] !== 'server') return undefined;
  const name = new URL(url).pathname.slice(1);
  const result = await adminQuery(adminUrl, 'SELECT 1 FROM pg_database WHERE datname = $1', [name]);
  return result.rowCount === 1;
}

function refusesConnections(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

const exists = (file: string) =>
  access(file).then(
    () => true,
    () => false,
  );

describe('startTestApp', () => {
  let started: TestApp<ProbeConfig, { lookup: LookupSimulator }, true>;
  let tempDir: string;

  beforeAll(async () => {
    started = await startTestApp({
      simulators: { lookup: new LookupSimulator() },
      smtp: true,
      async config({ db, simulators, mail, tempDir: makeTempDir }) {
        tempDir = await makeTempDir();
        return { databaseUrl: db.url, lookupUrl: simulators.lookup.url, smtpUrl: mail.url };
      },
      appModule: (config) => ProbeModule.forRoot(config),
    });
  });
  afterAll(async () => {
    await started.close();
  });

  it('runs the app on its own test database, talking to the started simulators', async () => {
    started.simulators.lookup.seed([{ crsid: 'ab1', cancelled: false }]);
    const response = await started.http().get('/probe').expect(200);
    expect(response.body).toEqual({ database: new URL(started.db.url).pathname.slice(1), lookupStatus: 200 });
    expect(started.simulators.lookup.control.callCount({ path: '/api/v1/person/list' })).toBe(1);
    expect(started.config.lookupUrl).toBe(started.simulators.lookup.url);
    expect(await started.prisma.jobRun.count()).toBe(0);
    expect(await refusesConnections(started.mail.url.replace('smtp:', 'http:'))).toBe(false);
    expect(await exists(tempDir)).toBe(true);
  });

  it('closes everything it started: app, simulators, SMTP server, database, temporary folders', async () => {
    const other = await startTestApp({
      simulators: { lookup: new LookupSimulator() },
      smtp: true,
      config: async ({ db, simulators, mail, tempDir: makeTempDir }) => {
        tempDir = await makeTempDir();
        return { databaseUrl: db.url, lookupUrl: simulators.lookup.url, smtpUrl: mail.url };
      },
      appModule: (config) => ProbeModule.forRoot(config),
    });
    const lookupUrl = other.simulators.lookup.url;
    expect(await databaseExists(other.db.url)).not.toBe(false);
    await other.close();
    expect(other.simulators.lookup.started).toBe(false);
    expect(await refusesConnections(lookupUrl)).toBe(true);
    expect(await refusesConnections(other.mail.url.replace('smtp:', 'http:'))).toBe(true);
    expect(await exists(tempDir)).toBe(false);
    expect(await databaseExists(other.db.url)).not.toBe(true);
    await expect(other.close()).resolves.toBeUndefined();
  });

  it('closes what it had started when its config fails, and rethrows the failure', async () => {
    const lookup = new LookupSimulator();
    let databaseUrl = '';
    await expect(
      startTestApp<ProbeConfig, { lookup: LookupSimulator }, true>({
        simulators: { lookup },
        smtp: true,
        async config({ db, tempDir: makeTempDir }) {
          databaseUrl = db.url;
          tempDir = await makeTempDir();
          throw new Error('LOOKUP_URL: required');
        },
        appModule: (config) => ProbeModule.forRoot(config),
      }),
    ).rejects.toThrow('LOOKUP_URL: required');
    expect(lookup.started).toBe(false);
    expect(await exists(tempDir)).toBe(false);
    expect(await databaseExists(databaseUrl)).not.toBe(true);
  });

  it('closes what it had started when the app fails to start', async () => {
    const lookup = new LookupSimulator();
    let databaseUrl = '';
    await expect(
      startTestApp({
        simulators: { lookup },
        config: ({ db }) => {
          databaseUrl = db.url;
          return { databaseUrl: 'postgresql://nobody@127.0.0.1:1/none', lookupUrl: '', smtpUrl: '' };
        },
        appModule: (config) => ProbeModule.forRoot(config),
        override: (module) =>
          module.overrideProvider(PrismaService).useFactory({
            factory: () => {
              throw new Error('no database for this app');
            },
          }),
      }),
    ).rejects.toThrow('no database for this app');
    expect(lookup.started).toBe(false);
    expect(await databaseExists(databaseUrl)).not.toBe(true);
  });
});
