import { type ColumnRef, columnLetter, type FindingCollector, listInWords } from './findings.util.js';
import { cellValue, controlCharactersIn, nameKey, withoutControlCharacters } from './sheet-rules.util.js';
import type { RawWorkbook, WorksheetName } from './sheet.types.js';

export interface ColumnSpec<K extends string> {
  key: K;
  header: string;
  required: boolean;
}

export interface TableSpec<K extends string> {
  worksheet: WorksheetName;
  columns: readonly ColumnSpec<K>[];
  /** Any number of columns whose header starts with `prefix` ('Student 1', 'Student 2', ...); at least one is required. */
  repeated?: { prefix: string };
}

export interface TableRow {
  /** The row number the administrator sees (header = 1). */
  rowNumber: number;
  /** Trimmed cell values, padded to the width of the worksheet. */
  cells: string[];
}

export interface Table<K extends string> {
  worksheet: WorksheetName;
  /** Columns found, by key; a column the worksheet lacks is absent (and was reported). */
  columns: Partial<Record<K, ColumnRef>>;
  repeated: ColumnRef[];
  /** Data rows in sheet order; blank rows are left out. */
  rows: TableRow[];
}

/** The value of a row in a column, '' when the cell is empty or the worksheet lacks the column. */
export function cellAt(row: TableRow, column: ColumnRef | undefined): string {
  return column === undefined ? '' : (row.cells[column.index] ?? '');
}

/** The columns of a worksheet in words, for messages: "Household, Pool and Student 1, Student 2 (and so on)". */
export function describeColumns(spec: TableSpec<string>): string {
  const names = spec.columns.map((column) => column.header);
  if (spec.repeated !== undefined)
    names.push(`${spec.repeated.prefix} 1, ${spec.repeated.prefix} 2 (and so on)`);
  return listInWords(names);
}

/** A cell that held control characters, which were removed from it. */
interface DirtyCell {
  rowNumber: number;
  index: number;
  characters: string[];
}

/**
 * True when `text` may hold a control character: any C0 or C1 code unit, line breaks and tabs included.
 * A cheap first look (no allocation), so that only such cells go through the exact rule; almost no cell does.
 */
function mayHoldControlCharacters(text: string): boolean {
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) return true;
  }
  return false;
}

/** The worksheet with control characters removed from every cell, and where there were some. */
function cleanControlCharacters(values: string[][]): { clean: string[][]; dirty: DirtyCell[] } {
  const dirty: DirtyCell[] = [];
  const clean = values.map((row, rowIndex) => {
    if (!row.some(mayHoldControlCharacters)) return row;
    return row.map((text, index) => {
      const characters = controlCharactersIn(text);
      if (characters.length === 0) return text;
      dirty.push({ rowNumber: rowIndex + 1, index, characters });
      return withoutControlCharacters(text);
    });
  });
  return { clean, dirty };
}

/**
 * Finds a worksheet's columns by header (any case, surrounding spaces ignored, any order), reports a
 * missing worksheet, missing, repeated and unknown columns, and returns the non-blank data rows.
 * Control characters are removed from every cell (so no later message or stored value holds one) and
 * reported where they matter: in a header, or in a column that is read. Returns null when the
 * worksheet is missing.
 */
export function readTable<K extends string>(
  raw: RawWorkbook,
  spec: TableSpec<K>,
  findings: FindingCollector,
): Table<K> | null {
  const { worksheet } = spec;
  const rawValues = raw.worksheets[worksheet];
  if (rawValues === undefined) {
    findings.add(
      'missing_worksheet',
      { worksheet, row: null, column: null },
      `The spreadsheet has no worksheet named '${worksheet}'. Add a worksheet (tab) named '${worksheet}' ` +
        `with the columns ${describeColumns(spec)} in its first row.`,
    );
    return null;
  }

  const { clean: values, dirty } = cleanControlCharacters(rawValues);
  const header = (values[0] ?? []).map((text) => cellValue(text));
  const width = values.reduce((widest, row) => Math.max(widest, row.length), header.length);
  const columns: Partial<Record<K, ColumnRef>> = {};
  const repeated: ColumnRef[] = [];
  const unlabelled: number[] = [];
  const headerPlace = (column: ColumnRef) => ({ worksheet, row: 1, column });

  header.forEach((text, index) => {
    if (text === '') {
      unlabelled.push(index);
      return;
    }
    const column: ColumnRef = { index, label: text };
    const key = nameKey(text);
    const known = spec.columns.find((candidate) => nameKey(candidate.header) === key);
    if (known !== undefined) {
      const earlier = columns[known.key];
      if (earlier === undefined) {
        columns[known.key] = column;
      } else {
        findings.add(
          'duplicate_column',
          headerPlace(column),
          `there is already a '${known.header}' column (column ${columnLetter(earlier.index)}). ` +
            `Only one column may be headed '${known.header}': remove or rename one of them.`,
        );
      }
    } else if (spec.repeated !== undefined && key.startsWith(nameKey(spec.repeated.prefix))) {
      repeated.push(column);
    } else {
      findings.add(
        'unknown_column',
        headerPlace(column),
        `this worksheet does not use a column headed '${text}', so its values are ignored. ` +
          `The columns read here are ${describeColumns(spec)}.`,
      );
    }
  });
  for (let index = header.length; index < width; index++) unlabelled.push(index);

  for (const column of spec.columns) {
    if (column.required && columns[column.key] === undefined) {
      findings.add(
        'missing_column',
        { worksheet, row: 1, column: null },
        `there is no '${column.header}' column. Add a column headed '${column.header}' to the first row ` +
          `(the header row) of the ${worksheet} worksheet.`,
      );
    }
  }
  if (spec.repeated !== undefined && repeated.length === 0) {
    const { prefix } = spec.repeated;
    findings.add(
      'missing_column',
      { worksheet, row: 1, column: null },
      `there is no '${prefix}' column. Add at least one column headed '${prefix} 1' to the first row ` +
        `(and '${prefix} 2', '${prefix} 3', ... as needed).`,
    );
  }

  const knownIndexes = [...knownColumns(columns), ...repeated].map((column) => column.index);
  const rows: TableRow[] = [];
  for (let rowIndex = 1; rowIndex < values.length; rowIndex++) {
    const row = values[rowIndex] ?? [];
    const cells = new Array<string>(width);
    for (let index = 0; index < width; index++) cells[index] = cellValue(row[index]);
    if (knownIndexes.some((index) => cells[index] !== '')) rows.push({ rowNumber: rowIndex + 1, cells });
  }

  const labelOf = (index: number) => [...knownColumns(columns), ...repeated].find((c) => c.index === index);
  for (const cell of dirty) {
    const column = cell.rowNumber === 1 ? undefined : labelOf(cell.index);
    if (cell.rowNumber !== 1 && column === undefined) continue; // an ignored column: its values go nowhere
    findings.add(
      'invalid_character',
      {
        worksheet,
        row: cell.rowNumber,
        column: column ?? { index: cell.index, label: header[cell.index] || columnLetter(cell.index) },
      },
      `the cell contains ${cell.characters.length === 1 ? 'an invisible control character' : 'invisible control characters'} ` +
        `(${listInWords(cell.characters)}), which cannot be stored. Retype the value; such characters ` +
        'usually come with text pasted from another program.',
    );
  }

  for (const index of unlabelled) {
    if (values.slice(1).some((row) => cellValue(row[index]) !== '')) {
      findings.add(
        'unknown_column',
        headerPlace({ index, label: columnLetter(index) }),
        `this column has values but no header, so its values are ignored. ` +
          `Give it one of the headers ${describeColumns(spec)}, or clear it.`,
      );
    }
  }
  return { worksheet, columns, repeated, rows };
}

function knownColumns(columns: Partial<Record<string, ColumnRef>>): ColumnRef[] {
  return Object.values(columns).filter((column): column is ColumnRef => column !== undefined);
}
