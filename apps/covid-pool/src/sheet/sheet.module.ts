import { Module } from '@nestjs/common';
import { GoogleAuth } from 'google-auth-library';
import path from 'node:path';
import { COVID_POOL_CONFIG, type CovidPoolConfig } from '../config.js';
import { GoogleSheetsSource } from './google-sheets.source.js';
import { SHEET_SOURCE, type SheetSource } from './sheet-source.js';
import { XlsxFileSource } from './xlsx-file.source.js';

function sheetSource(config: CovidPoolConfig): SheetSource {
  if (config.SHEETS_SOURCE === 'files') return new XlsxFileSource(path.resolve(config.SHEETS_DIR));
  return new GoogleSheetsSource({
    apiUrl: config.SHEETS_API_URL,
    auth: new GoogleAuth({ scopes: ['https://www.googleapis.com/auth/spreadsheets.readonly'] }),
  });
}

/** Where College sheets are read from: Google Sheets, or XLSX files for local runs (SHEETS_SOURCE). */
@Module({
  providers: [{ provide: SHEET_SOURCE, inject: [COVID_POOL_CONFIG], useFactory: sheetSource }],
  exports: [SHEET_SOURCE],
})
export class SheetModule {}
