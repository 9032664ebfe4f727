import { importLocalOnly } from '@app/db';
import { access } from 'node:fs/promises';
import path from 'node:path';
import { WORKSHEETS, type RawWorkbook } from './sheet.types.js';
import {
  matchWorksheetTitles,
  SheetUnreadableError,
  type SheetSource,
  assertSpreadsheetId,
} from './sheet-source.js';
import { worksheetRows } from './xlsx-cell-text.util.js';

/**
 * Local stand-in for Google Sheets: spreadsheet `<id>` is the file `<dir>/<id>.xlsx`. Cells are turned
 * into the text the Sheets API would return, so validation sees the same thing in both places.
 */
export class XlsxFileSource implements SheetSource {
  constructor(private readonly dir: string) {}

  async read(spreadsheetId: string): Promise<RawWorkbook> {
    assertSpreadsheetId(spreadsheetId);
    const file = path.join(this.dir, `${spreadsheetId}.xlsx`);
    try {
      await access(file);
    } catch (error) {
      throw new SheetUnreadableError(
        spreadsheetId,
        `the spreadsheet does not exist (no file ${spreadsheetId}.xlsx in the local sheets folder)`,
        'not_found',
        { status: 404, cause: error },
      );
    }
    // Loaded on first use: only local runs read XLSX files, exceljs is slow to load (~100 ms), and it
    // is a devDependency, not in the production image.
    const { default: ExcelJS } = await importLocalOnly('exceljs', () => import('exceljs'), {
      what: 'The local XLSX sheet source (SHEETS_SOURCE=files)',
      instead: 'Use SHEETS_SOURCE=google in production.',
    });
    const workbook = new ExcelJS.Workbook();
    try {
      await workbook.xlsx.readFile(file);
    } catch (error) {
      throw new SheetUnreadableError(
        spreadsheetId,
        `the file ${spreadsheetId}.xlsx is not a readable Excel workbook`,
        'not_a_spreadsheet',
        { cause: error },
      );
    }
    const titles = matchWorksheetTitles(workbook.worksheets.map((worksheet) => worksheet.name));
    const raw: RawWorkbook = { worksheets: {} };
    for (const name of WORKSHEETS) {
      const title = titles[name];
      const worksheet = title === undefined ? undefined : workbook.getWorksheet(title);
      if (worksheet !== undefined) raw.worksheets[name] = worksheetRows(worksheet);
    }
    return raw;
  }
}
