import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { createTestDatabase, type TestDatabase } from '@app/db';
import { configureService } from '@app/service';
import { AppModule } from '../src/app.module.js';
import { loadCovidPoolConfig } from '../src/config.js';
import { JOB_TOKEN, OPERATOR_TOKEN, operator } from './covid-pool.harness.js';

/** COVID_POOL_SEED_FILE: Colleges inserted at boot when missing; a bad file stops the boot, saying which setting. */
describe('covid-pool seed file', () => {
  let db: TestDatabase;
  let dir: string;
  const seedFile = () => path.join(dir, 'colleges.json');
  const college = (id: string, name: string) => ({ id, name, spreadsheetId: `sheet-${id}`, active: true });

  async function boot(): Promise<INestApplication> {
    const config = loadCovidPoolConfig({
      DATABASE_URL: db.url,
      JOB_TOKEN,
      OPERATOR_TOKEN,
      SHEETS_SOURCE: 'files',
      SHEETS_DIR: dir,
      COVID_POOL_SEED_FILE: seedFile(),
      LOG_LEVEL: 'silent',
    });
    const moduleRef = await Test.createTestingModule({ imports: [AppModule.forRoot(config)] }).compile();
    const app = moduleRef.createNestApplication({ logger: false });
    configureService(app, { app: 'covid-pool', description: 'test' });
    try {
      await app.init();
    } catch (error) {
      await app.close().catch(() => undefined);
      throw error;
    }
    return app;
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    dir = await mkdtemp(path.join(os.tmpdir(), 'covid-pool-seed-'));
  });
  afterAll(async () => {
    await db.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('inserts missing Colleges at boot and leaves the ones edited since alone', async () => {
    await writeFile(seedFile(), JSON.stringify([college('kings', "King's"), college('trinity', 'Trinity')]));
    const first = await boot();
    await request(first.getHttpServer())
      .put('/colleges/kings')
      .set(operator)
      .send({ name: 'Edited', spreadsheetId: 'sheet-kings-2', active: false })
      .expect(200);
    await first.close();

    await writeFile(seedFile(), JSON.stringify([college('kings', "King's"), college('clare', 'Clare')]));
    const second = await boot();
    const listed = await request(second.getHttpServer()).get('/colleges').set(operator).expect(200);
    await second.close();
    expect(listed.body.map((c: { id: string; name: string }) => [c.id, c.name])).toEqual([
      ['clare', 'Clare'],
      ['kings', 'Edited'],
      ['trinity', 'Trinity'],
    ]);
    expect(listed.body[1]).toMatchObject({ spreadsheetId: 'sheet-kings-2', active: false });
  });

  it.each([
    ['malformed JSON', '[{"id": "kings",', /^COVID_POOL_SEED_FILE is not valid JSON/],
    [
      'a list that is not of Colleges',
      '[{"id": "Kings!"}]',
      /^COVID_POOL_SEED_FILE is not a valid list of Colleges/,
    ],
  ])('stops the boot on %s, naming COVID_POOL_SEED_FILE', async (_name, text, message) => {
    await writeFile(seedFile(), text);
    const failure: unknown = await boot().then(
      async (app) => {
        await app.close();
        return null;
      },
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(Error);
    expect(failure).not.toBeInstanceOf(SyntaxError);
    expect((failure as Error).message).toMatch(message);
  });

  it('stops the boot when the file is missing, naming COVID_POOL_SEED_FILE', async () => {
    await rm(seedFile(), { force: true });
    await expect(boot()).rejects.toThrow(/^COVID_POOL_SEED_FILE cannot be read: ENOENT/);
  });
});
