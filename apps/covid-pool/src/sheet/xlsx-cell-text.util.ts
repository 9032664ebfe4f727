import type ExcelJS from 'exceljs';

/**
 * The text the Sheets API (valueRenderOption FORMATTED_VALUE) would give for an XLSX cell value:
 * numbers as plain text, booleans as TRUE/FALSE, dates as ISO dates, rich text joined, formulas as
 * their cached result, errors as their code ('#N/A'). Number formats are not applied.
 */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return numberText(value);
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (value instanceof Date) return dateText(value);
  if (typeof value !== 'object') return '';
  if ('richText' in value && Array.isArray(value.richText)) {
    return value.richText.map((run: unknown) => cellText(isObject(run) ? run['text'] : undefined)).join('');
  }
  if ('formula' in value || 'sharedFormula' in value)
    return cellText('result' in value ? value.result : undefined);
  if ('error' in value && typeof value.error === 'string') return value.error;
  // A hyperlink shows its text (itself plain or rich text).
  if ('text' in value) return cellText(value.text);
  return '';
}

/** A worksheet's rows as cell text, like a values:batchGet answer: trailing empty cells and rows left out. */
export function worksheetRows(worksheet: ExcelJS.Worksheet): string[][] {
  const rows: string[][] = [];
  worksheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    const cells: string[] = [];
    row.eachCell({ includeEmpty: false }, (cell, columnNumber) => {
      // Only the top-left cell of a merged range holds the value, as in Google Sheets.
      cells[columnNumber - 1] =
        cell.isMerged && cell.master.address !== cell.address ? '' : cellText(cell.value);
    });
    const dense = Array.from(cells, (text) => text ?? '');
    while (dense.length > 0 && dense[dense.length - 1] === '') dense.pop();
    rows[rowNumber - 1] = dense;
  });
  const dense = Array.from(rows, (row) => row ?? []);
  while (dense.length > 0 && (dense[dense.length - 1] ?? []).length === 0) dense.pop();
  return dense;
}

function numberText(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Number.parseFloat(value.toPrecision(15)));
}

/** 2026-03-01, or 2026-03-01 14:30:00 when the value has a time of day (XLSX dates carry no zone: read as UTC). */
function dateText(value: Date): string {
  const iso = value.toISOString();
  const time = iso.slice(11, 19);
  return time === '00:00:00' ? iso.slice(0, 10) : `${iso.slice(0, 10)} ${time}`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
