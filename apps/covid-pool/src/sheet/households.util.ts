import type { ColumnRef, FindingCollector } from './findings.util.js';
import { nameKey, normaliseCrsid } from './sheet-rules.util.js';
import { cellAt, readTable, type TableSpec } from './sheet-table.util.js';
import type { RawWorkbook, SheetPool } from './sheet.types.js';

export const HOUSEHOLDS_SPEC: TableSpec<'household' | 'pool'> = {
  worksheet: 'Households',
  columns: [
    { key: 'household', header: 'Household', required: true },
    { key: 'pool', header: 'Pool', required: true },
  ],
  repeated: { prefix: 'Student' },
};

/** A pool as read from the Pools worksheet, with what the Households worksheet put in it. */
export interface PoolEntry {
  pool: SheetPool;
  rowNumber: number;
  column: ColumnRef;
  /** Households of the pool with their row and the students they list (lower-case, valid or not). */
  members: { id: string; rowNumber: number; students: Set<string> }[];
}

interface StudentPlace {
  household: string;
  pool: string;
  rowNumber: number;
  column: ColumnRef;
}

/**
 * Checks the Households worksheet and adds each household to its pool in `pools` (null when the pools
 * could not be read: then households are checked but not placed). Returns whether households could
 * be placed in pools at all (worksheet present with its Household and Pool columns).
 */
export function readHouseholds(
  raw: RawWorkbook,
  pools: Map<string, PoolEntry> | null,
  findings: FindingCollector,
): boolean {
  const table = readTable(raw, HOUSEHOLDS_SPEC, findings);
  if (table === null) return false;
  const { household: idColumn, pool: poolColumn } = table.columns;
  const householdRows = new Map<string, number>();
  const studentPlaces = new Map<string, StudentPlace>();

  for (const row of table.rows) {
    const place = (column: ColumnRef) => ({ worksheet: table.worksheet, row: row.rowNumber, column });
    const id = cellAt(row, idColumn);
    const poolName = cellAt(row, poolColumn);

    if (idColumn !== undefined && id === '') {
      findings.add(
        'empty_required_cell',
        place(idColumn),
        'the household name is empty. Every household needs a name: fill it in, or delete the row.',
      );
    }
    let repeatedHousehold = false;
    if (idColumn !== undefined && id !== '') {
      const idKey = nameKey(id);
      const earlierRow = householdRows.get(idKey);
      if (earlierRow === undefined) {
        householdRows.set(idKey, row.rowNumber);
      } else {
        repeatedHousehold = true;
        findings.add(
          'duplicate_household',
          place(idColumn),
          `the household '${id}' is already listed in row ${earlierRow}. Each household must be listed once: ` +
            'merge the two rows, or rename one of the households.',
        );
      }
    }

    let pool: PoolEntry | undefined;
    if (poolColumn !== undefined && poolName === '') {
      findings.add(
        'empty_required_cell',
        place(poolColumn),
        "the pool is empty. Write the name of the household's pool, as listed on the Pools worksheet.",
      );
    } else if (poolColumn !== undefined && pools !== null) {
      pool = pools.get(nameKey(poolName));
      if (pool === undefined) {
        findings.add(
          'unknown_pool',
          place(poolColumn),
          `there is no pool named '${poolName}' on the Pools worksheet. ` +
            'Correct the name here, or add the pool to the Pools worksheet.',
        );
      }
    }

    const listed = new Set<string>();
    const students: string[] = [];
    const inThisHousehold = new Map<string, ColumnRef>();
    for (const column of table.repeated) {
      const text = cellAt(row, column);
      if (text === '') continue;
      listed.add(text.toLowerCase());
      const crsid = normaliseCrsid(text);
      if (crsid === null) {
        findings.add(
          'invalid_crsid',
          place(column),
          `'${text}' is not a valid CRSid (letters then optional digits, 2 to 8 characters).`,
        );
        continue;
      }
      const sameHousehold = inThisHousehold.get(crsid);
      if (sameHousehold !== undefined) {
        findings.add(
          'duplicate_student',
          place(column),
          `the student '${crsid}' is listed twice in this household (also in column ${sameHousehold.label}). ` +
            'Remove one of them.',
        );
        continue;
      }
      inThisHousehold.set(crsid, column);
      if (repeatedHousehold) continue;
      const elsewhere = studentPlaces.get(crsid);
      if (elsewhere !== undefined) {
        findings.add(
          'duplicate_student',
          place(column),
          `the student '${crsid}' is also listed in ${describeStudentPlace(elsewhere)}. ` +
            'A student can be in one household only: remove one of the two.',
        );
        continue;
      }
      studentPlaces.set(crsid, { household: id, pool: poolName, rowNumber: row.rowNumber, column });
      students.push(crsid);
    }

    if (id === '' || repeatedHousehold || idColumn === undefined) continue;
    if (listed.size === 0 && table.repeated.length > 0) {
      findings.add(
        'empty_household',
        place(idColumn),
        `the household '${id}' has no students, so it will be imported without any. ` +
          "Add the students' CRSids in the Student columns, or delete the row if the household is not needed.",
      );
    }
    if (pool !== undefined) {
      pool.pool.households.push({ id, students });
      pool.members.push({ id, rowNumber: row.rowNumber, students: listed });
    }
  }
  return idColumn !== undefined && poolColumn !== undefined;
}

function describeStudentPlace(place: StudentPlace): string {
  const where = `row ${place.rowNumber}, column ${place.column.label}`;
  if (place.household === '') return where;
  return `household '${place.household}' (${where}${place.pool === '' ? '' : `, pool '${place.pool}'`})`;
}
