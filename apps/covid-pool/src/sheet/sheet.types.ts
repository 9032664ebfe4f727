/** The worksheets (tabs) every College sheet must have, in the order findings are reported. */
export const WORKSHEETS = ['Pools', 'Households', 'Contacts'] as const;
export type WorksheetName = (typeof WORKSHEETS)[number];

/**
 * Cell text as the Sheets API returns it (formatted values); rows may be shorter than the header
 * (trailing empty cells are left out); a worksheet the spreadsheet does not have is `undefined`.
 * Row `i` of a worksheet is sheet row `i + 1` (the header is row 1).
 */
export interface RawWorkbook {
  worksheets: Partial<Record<WorksheetName, string[][]>>;
}

/** One code per validation rule; `FINDING_SEVERITY` says which ones stop the import. */
export type FindingCode =
  | 'missing_worksheet'
  | 'missing_column'
  | 'duplicate_column'
  | 'unknown_column'
  | 'empty_required_cell'
  | 'invalid_character'
  | 'invalid_pool_name'
  | 'invalid_collection_day'
  | 'duplicate_pool'
  | 'duplicate_household'
  | 'unknown_pool'
  | 'invalid_crsid'
  | 'duplicate_student'
  | 'pool_too_large'
  | 'invalid_email'
  | 'duplicate_contact'
  | 'no_valid_contact'
  | 'empty_pool'
  | 'empty_household';

/** Errors stop the import (nothing is stored); warnings are reported and the import goes ahead. */
export const FINDING_SEVERITY: Readonly<Record<FindingCode, 'error' | 'warning'>> = {
  missing_worksheet: 'error',
  missing_column: 'error',
  duplicate_column: 'error',
  unknown_column: 'warning',
  empty_required_cell: 'error',
  invalid_character: 'error',
  invalid_pool_name: 'error',
  invalid_collection_day: 'error',
  duplicate_pool: 'error',
  duplicate_household: 'error',
  unknown_pool: 'error',
  invalid_crsid: 'error',
  duplicate_student: 'error',
  pool_too_large: 'error',
  invalid_email: 'error',
  duplicate_contact: 'warning',
  no_valid_contact: 'error',
  empty_pool: 'warning',
  empty_household: 'warning',
};

/**
 * One problem in a College sheet. `row` is the row number the administrator sees (header = 1), or
 * null when the finding is about the whole worksheet (missing worksheet, no valid contact).
 * `column` is the header text as written in the sheet, the column letter when the column has no
 * header, or null when the finding is about a whole row or worksheet (for example a missing column).
 * `message` is a complete sentence, starting with the place, that an administrator can act on.
 */
export interface Finding {
  severity: 'error' | 'warning';
  worksheet: WorksheetName;
  row: number | null;
  column: string | null;
  code: FindingCode;
  message: string;
}

export type Weekday = 'Monday' | 'Tuesday' | 'Wednesday' | 'Thursday' | 'Friday' | 'Saturday' | 'Sunday';

export interface SheetHousehold {
  id: string;
  /** Lower-case CRSids, each at most once in the whole sheet. */
  students: string[];
}

export interface SheetPool {
  id: string;
  description: string | null;
  /** Canonical day name ('Monday' ... 'Sunday'), or null when the cell is empty. */
  collectionDay: Weekday | null;
  households: SheetHousehold[];
}

export interface SheetContact {
  name: string | null;
  email: string;
}

/** The College's data as read from its sheet; pools and households in sheet order. */
export interface CollegeSheet {
  pools: SheetPool[];
  contacts: SheetContact[];
}

export interface SheetValidation {
  /** Sorted by worksheet (WORKSHEETS order), then row, then column position. */
  findings: Finding[];
  hasErrors: boolean;
  /** Best effort even with errors: invalid rows and values are left out. Store it only when !hasErrors. */
  sheet: CollegeSheet;
}

export interface ValidationOptions {
  /** Most students a pool may have (`COVID_POOL_MAX_POOL_SIZE`, default 10). */
  maxPoolSize: number;
}

export const DEFAULT_MAX_POOL_SIZE = 10;
