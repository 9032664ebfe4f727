import { Module } from '@nestjs/common';
import path from 'node:path';
import { COVID_POOL_CONFIG, type CovidPoolConfig } from '../config.js';
import type { RawWorkbook } from './sheet.types.js';
import { SHEET_SOURCE, type SheetSource } from './sheet-source.js';
import { XlsxFileSource } from './xlsx-file.source.js';

/**
 * The Google Sheets source, made on the first read: the Google client libraries
 * (google-auth-library, @googleapis/sheets: a few MB and tens of milliseconds) are not loaded when
 * the app starts, and never by local runs with SHEETS_SOURCE=files.
 */
class GoogleSheetsOnFirstRead implements SheetSource {
  private source: Promise<SheetSource> | undefined;

  constructor(private readonly apiUrl: string | undefined) {}

  async read(spreadsheetId: string): Promise<RawWorkbook> {
    this.source ??= this.create().catch((error: unknown) => {
      this.source = undefined;
      throw error;
    });
    return (await this.source).read(spreadsheetId);
  }

  private async create(): Promise<SheetSource> {
    const [{ GoogleAuth }, { GoogleSheetsSource, SHEETS_READONLY_SCOPE }] = await Promise.all([
      import('google-auth-library'),
      import('./google-sheets.source.js'),
    ]);
    return new GoogleSheetsSource({
      apiUrl: this.apiUrl,
      auth: new GoogleAuth({ scopes: [SHEETS_READONLY_SCOPE] }),
    });
  }
}

function sheetSource(config: CovidPoolConfig): SheetSource {
  if (config.SHEETS_SOURCE === 'files') return new XlsxFileSource(path.resolve(config.SHEETS_DIR));
  return new GoogleSheetsOnFirstRead(config.SHEETS_API_URL);
}

/** Where College sheets are read from: Google Sheets, or XLSX files for local runs (SHEETS_SOURCE). */
@Module({
  providers: [{ provide: SHEET_SOURCE, inject: [COVID_POOL_CONFIG], useFactory: sheetSource }],
  exports: [SHEET_SOURCE],
})
export class SheetModule {}
