import ExcelJS from 'exceljs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';

// Simulators do not import app code, so this mirrors the app's xlsx-cell-text.util.ts. The covid-pool
// tests read the demo workbooks through both and compare the results, which keeps the two in step.

/** The text Google Sheets shows for an XLSX cell value (FORMATTED_VALUE, number formats not applied). */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') {
    return Number.isInteger(value) ? String(value) : String(Number.parseFloat(value.toPrecision(15)));
  }
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (value instanceof Date) {
    const iso = value.toISOString();
    const time = iso.slice(11, 19);
    return time === '00:00:00' ? iso.slice(0, 10) : `${iso.slice(0, 10)} ${time}`;
  }
  if (typeof value !== 'object') return '';
  if ('richText' in value && Array.isArray(value.richText)) {
    return value.richText.map((run: { text?: unknown }) => cellText(run.text)).join('');
  }
  if ('formula' in value || 'sharedFormula' in value)
    return cellText('result' in value ? value.result : undefined);
  if ('error' in value && typeof value.error === 'string') return value.error;
  if ('text' in value) return cellText(value.text);
  return '';
}

/** Every worksheet of a workbook, by title, as rows of cell text (all cells, trailing blanks kept). */
export async function readXlsxWorksheets(file: string): Promise<Record<string, string[][]>> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.readFile(file);
  const worksheets: Record<string, string[][]> = {};
  for (const worksheet of workbook.worksheets) {
    const rows: string[][] = [];
    worksheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
      const cells: string[] = [];
      row.eachCell({ includeEmpty: false }, (cell, columnNumber) => {
        cells[columnNumber - 1] =
          cell.isMerged && cell.master.address !== cell.address ? '' : cellText(cell.value);
      });
      rows[rowNumber - 1] = Array.from(cells, (text) => text ?? '');
    });
    worksheets[worksheet.name] = Array.from(rows, (row) => row ?? []);
  }
  return worksheets;
}

/** `<dir>/<id>.xlsx` files, by spreadsheet id. */
export async function listXlsxFiles(dir: string): Promise<Map<string, string>> {
  const names = await readdir(dir);
  return new Map(
    names
      .filter((name) => name.endsWith('.xlsx') && !name.startsWith('~$'))
      .sort()
      .map((name) => [name.slice(0, -'.xlsx'.length), path.join(dir, name)]),
  );
}
