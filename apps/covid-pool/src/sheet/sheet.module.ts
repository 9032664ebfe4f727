import { Module } from '@nestjs/common';
import path from 'node:path';
import { COVID_POOL_CONFIG, type CovidPoolConfig } from '../config.js';
import { SHEET_SOURCE, type SheetSource } from './sheet-source.js';
import { XlsxFileSource } from './xlsx-file.source.js';

/**
 * The Google client libraries (google-auth-library, @googleapis/sheets: a few MB) are imported only
 * when the sheets come from Google; local runs with SHEETS_SOURCE=files never load them.
 */
async function sheetSource(config: CovidPoolConfig): Promise<SheetSource> {
  if (config.SHEETS_SOURCE === 'files') return new XlsxFileSource(path.resolve(config.SHEETS_DIR));
  const [{ GoogleAuth }, { GoogleSheetsSource, SHEETS_READONLY_SCOPE }] = await Promise.all([
    import('google-auth-library'),
    import('./google-sheets.source.js'),
  ]);
  return new GoogleSheetsSource({
    apiUrl: config.SHEETS_API_URL,
    auth: new GoogleAuth({ scopes: [SHEETS_READONLY_SCOPE] }),
  });
}

/** Where College sheets are read from: Google Sheets, or XLSX files for local runs (SHEETS_SOURCE). */
@Module({
  providers: [{ provide: SHEET_SOURCE, inject: [COVID_POOL_CONFIG], useFactory: sheetSource }],
  exports: [SHEET_SOURCE],
})
export class SheetModule {}
