import type { College } from '@app/db';
import type { UnreadableKind } from '../sheet/unreadable.util.js';
import type { CollegeSheet, Finding, SheetValidation } from '../sheet/sheet.types.js';
import type { Notified } from './import-notifier.service.js';
import type { CollegeChanges } from './pool-diff.util.js';

export interface FindingCounts {
  errors: number;
  warnings: number;
}

export interface SheetSizes {
  pools: number;
  households: number;
  students: number;
}

interface Base {
  collegeId: string;
  spreadsheetId: string;
}

/** A sheet that could not be read: the College was told when it can fix it (`mustAct: 'college'`). */
export interface UnreadableSummary extends Base {
  outcome: 'unreadable';
  kind: UnreadableKind;
  mustAct: 'college' | 'us';
  reason: string;
  notified: Notified;
}

export interface InvalidSummary extends Base, FindingCounts {
  outcome: 'invalid';
  findings: Finding[];
  notified: Notified;
}

export interface UnchangedSummary extends Base, FindingCounts {
  outcome: 'unchanged';
  message: string;
  findings: Finding[];
}

/** A valid, changed sheet: imported, or would be (dry run), or refused, or its write failed. */
export interface ComparedSummary extends Base, FindingCounts {
  outcome: 'imported' | 'would_import' | 'refused' | 'failed';
  sizes: SheetSizes;
  changes: CollegeChanges;
  changeCount: number;
  findings: Finding[];
  /** For a refusal: the students stored now, which the sheet would delete. */
  storedStudents?: number;
}

/** The summary of one College's import run: typed where it is made and where import-all reads it. */
export type ImportSummary = UnreadableSummary | InvalidSummary | UnchangedSummary | ComparedSummary;

/** What an import read, all of it: the sheet, and for a valid one what is stored. */
export type ImportReading =
  | {
      kind: 'unreadable';
      college: College;
      error: { reason: string; kind: UnreadableKind; mustAct: 'college' | 'us' };
    }
  | { kind: 'invalid'; college: College; validation: SheetValidation }
  | { kind: 'unchanged'; college: College; validation: SheetValidation }
  | { kind: 'changed'; college: College; validation: SheetValidation; stored: CollegeSheet; hash: string };

/** A valid sheet compared with what is stored: the one change an import makes is replacing it. */
export interface ImportPlan {
  college: College;
  spreadsheetId: string;
  sheet: CollegeSheet;
  findings: Finding[];
  stored: CollegeSheet;
  hash: string;
  changes: CollegeChanges;
  sizes: SheetSizes;
  /** Why importing would be refused (a sheet that would delete every student), or null. */
  emptying: string | null;
}
