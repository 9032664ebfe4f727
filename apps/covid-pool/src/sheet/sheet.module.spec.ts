import { afterEach, describe, expect, it } from '@jest/globals';
import { Global, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { COVID_POOL_CONFIG, type CovidPoolConfig } from '../config.js';
import { SHEET_SOURCE, type SheetSource, SheetUnreadableError } from './sheet-source.js';
import { SheetModule } from './sheet.module.js';
import { XlsxFileSource } from './xlsx-file.source.js';

async function sheetSourceFor(config: Partial<CovidPoolConfig>): Promise<SheetSource> {
  @Global()
  @Module({ providers: [{ provide: COVID_POOL_CONFIG, useValue: config }], exports: [COVID_POOL_CONFIG] })
  class TestConfigModule {}
  const moduleRef = await Test.createTestingModule({ imports: [TestConfigModule, SheetModule] }).compile();
  return moduleRef.get<SheetSource>(SHEET_SOURCE);
}

describe('SheetModule', () => {
  const credentials = process.env['GOOGLE_APPLICATION_CREDENTIALS'];
  afterEach(() => {
    if (credentials === undefined) delete process.env['GOOGLE_APPLICATION_CREDENTIALS'];
    else process.env['GOOGLE_APPLICATION_CREDENTIALS'] = credentials;
  });

  it('reads XLSX files when SHEETS_SOURCE=files', async () => {
    const source = await sheetSourceFor({ SHEETS_SOURCE: 'files', SHEETS_DIR: 'data/sheets' });
    expect(source).toBeInstanceOf(XlsxFileSource);
  });

  it('with SHEETS_SOURCE=google, makes the Google source (application default credentials) on the first read and reads through it', async () => {
    process.env['GOOGLE_APPLICATION_CREDENTIALS'] = '/nonexistent/sheet-module-spec-credentials.json';
    const source = await sheetSourceFor({ SHEETS_SOURCE: 'google', SHEETS_API_URL: 'http://127.0.0.1:1/' });
    const failure = await source.read('1'.repeat(44)).catch((error: unknown) => error);
    // The real GoogleSheetsSource answered: the credentials named by the environment are missing.
    expect(failure).toBeInstanceOf(SheetUnreadableError);
    expect(failure).toMatchObject({ kind: 'credentials' });
  });
});
