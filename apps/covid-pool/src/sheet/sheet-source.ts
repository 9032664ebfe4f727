import { isSpreadsheetId, SPREADSHEET_ID_RULE } from '@app/identifiers';
import { WORKSHEETS, type RawWorkbook, type WorksheetName } from './sheet.types.js';
import { nameKey } from './sheet-rules.util.js';
import { type UnreadableKind, whoMustAct } from './unreadable.util.js';

/** Where College sheets are read from: Google Sheets in production, XLSX files locally. */
export interface SheetSource {
  /**
   * The three worksheets of a spreadsheet as cell text; a worksheet the spreadsheet lacks is
   * undefined (validation reports it). Rejects with SheetUnreadableError when the spreadsheet
   * itself cannot be read.
   */
  read(spreadsheetId: string): Promise<RawWorkbook>;
}

/** Nest injection token for the SheetSource in use. */
export const SHEET_SOURCE = Symbol('SHEET_SOURCE');

/**
 * A spreadsheet could not be read at all; `reason` says why in plain words, for operators and College
 * contacts; `kind` says why for the code, and with it whether the College can fix it (`mustAct`).
 */
export class SheetUnreadableError extends Error {
  readonly status?: number;

  constructor(
    readonly spreadsheetId: string,
    readonly reason: string,
    readonly kind: UnreadableKind,
    options: { status?: number; cause?: unknown } = {},
  ) {
    super(`Spreadsheet ${spreadsheetId} could not be read: ${reason}`, { cause: options.cause });
    this.name = 'SheetUnreadableError';
    this.status = options.status;
  }

  /** 'college' when the College can fix it (missing, not shared, bad id), 'us' when the fault is ours. */
  get mustAct(): 'college' | 'us' {
    return whoMustAct(this.kind);
  }
}

/**
 * Pairs each expected worksheet with the title it has in the spreadsheet: exact title first, else the
 * same title in another case or with surrounding spaces (administrators rename tabs by hand).
 */
export function matchWorksheetTitles(titles: readonly string[]): Partial<Record<WorksheetName, string>> {
  const matched: Partial<Record<WorksheetName, string>> = {};
  for (const worksheet of WORKSHEETS) {
    const title =
      titles.find((t) => t === worksheet) ?? titles.find((t) => nameKey(t) === nameKey(worksheet));
    if (title !== undefined) matched[worksheet] = title;
  }
  return matched;
}

/** Every source refuses an id that is not one (`@app/identifiers`) before using it in a URL or a file name. */
export function assertSpreadsheetId(spreadsheetId: string): void {
  if (!isSpreadsheetId(spreadsheetId)) {
    throw new SheetUnreadableError(
      spreadsheetId,
      `the spreadsheet id is not valid (it must be ${SPREADSHEET_ID_RULE})`,
      'invalid_id',
    );
  }
}
