import {
  FINDING_SEVERITY,
  type Finding,
  type FindingCode,
  WORKSHEETS,
  type WorksheetName,
} from './sheet.types.js';

/** A column of a worksheet: its 0-based position (for ordering) and its label (header text or letter). */
export interface ColumnRef {
  index: number;
  label: string;
}

/** Where a finding is: a whole worksheet (row null), a whole row (column null) or one cell. */
export interface Place {
  worksheet: WorksheetName;
  row: number | null;
  column: ColumnRef | null;
}

interface Entry {
  finding: Finding;
  columnIndex: number;
  sequence: number;
}

/**
 * Collects findings while a sheet is checked and hands them back in a stable order. Messages about a
 * row or a cell start with the place ("Households row 7, column Student 3: ..."); messages about a
 * whole worksheet are written as a full sentence naming the worksheet.
 */
export class FindingCollector {
  private readonly entries: Entry[] = [];

  add(code: FindingCode, place: Place, text: string): void {
    const prefix =
      place.row === null
        ? ''
        : place.column === null
          ? `${place.worksheet} row ${place.row}: `
          : `${place.worksheet} row ${place.row}, column ${place.column.label}: `;
    this.entries.push({
      finding: {
        severity: FINDING_SEVERITY[code],
        worksheet: place.worksheet,
        row: place.row,
        column: place.column?.label ?? null,
        code,
        message: prefix + text,
      },
      columnIndex: place.column?.index ?? -1,
      sequence: this.entries.length,
    });
  }

  /** By worksheet order, then row (worksheet-wide findings first), then column position, then as found. */
  sorted(): Finding[] {
    return [...this.entries]
      .sort(
        (a, b) =>
          WORKSHEETS.indexOf(a.finding.worksheet) - WORKSHEETS.indexOf(b.finding.worksheet) ||
          (a.finding.row ?? 0) - (b.finding.row ?? 0) ||
          a.columnIndex - b.columnIndex ||
          a.sequence - b.sequence,
      )
      .map((entry) => entry.finding);
  }
}

/** Spreadsheet column letter for a 0-based column index: 0 -> A, 25 -> Z, 26 -> AA. */
export function columnLetter(index: number): string {
  let letters = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) {
    letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
  }
  return letters;
}

/** 'a', 'a' and 'b', 'a', 'b' and 'c': for naming several things in one sentence. */
export function listInWords(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1] ?? ''}`;
}

/** '1 student', '3 students'. */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
