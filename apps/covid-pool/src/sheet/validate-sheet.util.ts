import { createHash } from 'node:crypto';
import { type ColumnRef, FindingCollector, listInWords, plural } from './findings.util.js';
import { type PoolEntry, readHouseholds } from './households.util.js';
import { isEmailAddress, nameKey, parseWeekday, poolNameProblem } from './sheet-rules.util.js';
import { cellAt, readTable, type TableSpec } from './sheet-table.util.js';
import {
  type RawWorkbook,
  type SheetContact,
  type SheetValidation,
  type ValidationOptions,
  WORKSHEETS,
} from './sheet.types.js';

export const POOLS_SPEC: TableSpec<'pool' | 'description' | 'collectionDay'> = {
  worksheet: 'Pools',
  columns: [
    { key: 'pool', header: 'Pool', required: true },
    { key: 'description', header: 'Description', required: false },
    { key: 'collectionDay', header: 'Collection day', required: false },
  ],
};

export const CONTACTS_SPEC: TableSpec<'name' | 'email'> = {
  worksheet: 'Contacts',
  columns: [
    { key: 'name', header: 'Name', required: false },
    { key: 'email', header: 'Email', required: true },
  ],
};

/**
 * Checks a College sheet against every rule at once (no problem hides another) and returns the
 * findings, in a stable order, with the best-effort data. Pure: the same workbook gives the same result.
 */
export function validateCollegeSheet(raw: RawWorkbook, options: ValidationOptions): SheetValidation {
  const findings = new FindingCollector();
  const pools = readPools(raw, findings);
  const householdsRead = readHouseholds(raw, pools, findings);
  if (pools !== null) checkPools(pools, options.maxPoolSize, householdsRead, findings);
  const contacts = readContacts(raw, findings);
  const sorted = findings.sorted();
  return {
    findings: sorted,
    hasErrors: sorted.some((finding) => finding.severity === 'error'),
    sheet: { pools: pools === null ? [] : [...pools.values()].map((entry) => entry.pool), contacts },
  };
}

/**
 * Remembers the last validation of each College's sheet under a hash of its cells and the options.
 * Validation is a pure function of both, so a sheet that has not changed since the last run (most
 * sheets, on most scheduled runs) gets its result back for the cost of hashing its cells, instead of
 * being checked again. Results are shared between calls: read them, never change them.
 */
export class SheetValidationMemo {
  private readonly entries = new Map<string, { key: string; validation: SheetValidation }>();

  /** `maxEntries`: how many Colleges are remembered (the least recently validated is forgotten first). */
  constructor(private readonly maxEntries = 256) {}

  validate(collegeId: string, raw: RawWorkbook, options: ValidationOptions): SheetValidation {
    const key = validationKey(raw, options);
    const remembered = this.entries.get(collegeId);
    this.entries.delete(collegeId);
    const validation = remembered?.key === key ? remembered.validation : validateCollegeSheet(raw, options);
    this.entries.set(collegeId, { key, validation });
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done !== true) this.entries.delete(oldest.value);
    }
    return validation;
  }
}

/** A hash of everything validation reads: the options and each worksheet's cells (a missing one as null). */
function validationKey(raw: RawWorkbook, options: ValidationOptions): string {
  const input = JSON.stringify([options, ...WORKSHEETS.map((name) => raw.worksheets[name] ?? null)]);
  return createHash('sha256').update(input).digest('hex');
}

/** Pools by name key, in sheet order; null when the pools cannot be known (worksheet or column missing). */
function readPools(raw: RawWorkbook, findings: FindingCollector): Map<string, PoolEntry> | null {
  const table = readTable(raw, POOLS_SPEC, findings);
  const poolColumn = table?.columns.pool;
  if (table === null || poolColumn === undefined) return null;
  const { description, collectionDay: dayColumn } = table.columns;
  const pools = new Map<string, PoolEntry>();
  for (const row of table.rows) {
    const place = (column: ColumnRef) => ({ worksheet: table.worksheet, row: row.rowNumber, column });
    const name = cellAt(row, poolColumn);
    const dayText = cellAt(row, dayColumn);
    const collectionDay = dayText === '' ? null : parseWeekday(dayText);
    if (dayColumn !== undefined && dayText !== '' && collectionDay === null) {
      findings.add(
        'invalid_collection_day',
        place(dayColumn),
        `'${dayText}' is not a day of the week. Write a day in full, such as 'Monday', or leave the cell empty.`,
      );
    }
    if (name === '') {
      findings.add(
        'empty_required_cell',
        place(poolColumn),
        'the pool name is empty. Every pool needs a name: fill it in, or delete the row.',
      );
      continue;
    }
    const problem = poolNameProblem(name);
    if (problem !== null)
      findings.add('invalid_pool_name', place(poolColumn), `the pool name '${name}' ${problem}.`);
    const earlier = pools.get(nameKey(name));
    if (earlier !== undefined) {
      findings.add(
        'duplicate_pool',
        place(poolColumn),
        `the pool '${name}' is already listed in row ${earlier.rowNumber}. Each pool must be listed once: ` +
          'delete this row or rename the pool.',
      );
      continue;
    }
    const descriptionText = cellAt(row, description);
    pools.set(nameKey(name), {
      pool: {
        id: name,
        description: descriptionText === '' ? null : descriptionText,
        collectionDay,
        households: [],
      },
      rowNumber: row.rowNumber,
      column: poolColumn,
      members: [],
    });
  }
  return pools;
}

/** Pool size limit, and pools nobody is in (only when the households could be read). */
function checkPools(
  pools: Map<string, PoolEntry>,
  maxPoolSize: number,
  householdsRead: boolean,
  findings: FindingCollector,
): void {
  for (const entry of pools.values()) {
    const place = { worksheet: 'Pools' as const, row: entry.rowNumber, column: entry.column };
    // The distinct students are counted only when the listed ones could be too many.
    const listed = entry.members.reduce((count, member) => count + member.students.size, 0);
    const students = new Set<string>();
    if (listed > maxPoolSize) {
      for (const member of entry.members) for (const student of member.students) students.add(student);
    }
    if (students.size > maxPoolSize) {
      const households = entry.members.map(
        (member) =>
          `'${member.id}' (Households row ${member.rowNumber}, ${plural(member.students.size, 'student')})`,
      );
      findings.add(
        'pool_too_large',
        place,
        `the pool '${entry.pool.id}' has ${students.size} students, more than the limit of ${maxPoolSize}. ` +
          `Its households are ${listInWords(households)}. Move one or more households to another pool.`,
      );
    }
    if (householdsRead && entry.members.length === 0) {
      findings.add(
        'empty_pool',
        place,
        `no household is in the pool '${entry.pool.id}', so it will be imported empty. ` +
          'Put households in it on the Households worksheet, or delete the row if the pool is not needed.',
      );
    }
  }
}

function readContacts(raw: RawWorkbook, findings: FindingCollector): SheetContact[] {
  const table = readTable(raw, CONTACTS_SPEC, findings);
  const emailColumn = table?.columns.email;
  if (table === null || emailColumn === undefined) return [];
  const contacts: SheetContact[] = [];
  const seen = new Map<string, number>();
  for (const row of table.rows) {
    const place = { worksheet: table.worksheet, row: row.rowNumber, column: emailColumn };
    const email = cellAt(row, emailColumn);
    const name = cellAt(row, table.columns.name);
    if (email === '') {
      findings.add(
        'empty_required_cell',
        place,
        `the email address${name === '' ? '' : ` of '${name}'`} is empty. ` +
          'Every contact needs an email address: fill it in, or delete the row.',
      );
    } else if (!isEmailAddress(email)) {
      findings.add(
        'invalid_email',
        place,
        `'${email}' is not a valid email address. Write the address only, such as 'jo123@cam.ac.uk'.`,
      );
    } else if (seen.has(email.toLowerCase())) {
      findings.add(
        'duplicate_contact',
        place,
        `'${email}' is already listed in row ${seen.get(email.toLowerCase()) ?? ''}; this row is ignored.`,
      );
    } else {
      seen.set(email.toLowerCase(), row.rowNumber);
      contacts.push({ name: name === '' ? null : name, email });
    }
  }
  if (contacts.length === 0) {
    findings.add(
      'no_valid_contact',
      { worksheet: table.worksheet, row: null, column: null },
      'The Contacts worksheet has no valid contact. Add at least one row with a valid email address: ' +
        'the reports about this sheet are sent to these contacts.',
    );
  }
  return contacts;
}
