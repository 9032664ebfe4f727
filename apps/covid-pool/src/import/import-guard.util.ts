import type { CollegeSheet } from '../sheet/sheet.types.js';

export function studentCount(sheet: CollegeSheet): number {
  return sheet.pools.reduce((n, pool) => n + pool.households.reduce((m, h) => m + h.students.length, 0), 0);
}

/**
 * Why a valid sheet must still not be imported, or null when it may. A sheet emptied by mistake
 * (Pools and Households left with only their headers) is valid, and importing it would delete every
 * pool of the College: an import that would leave no students where some are stored is refused. A
 * College that never had students may import an empty sheet (it is setting up).
 */
export function emptyingRefusal(stored: CollegeSheet, incoming: CollegeSheet): string | null {
  const before = studentCount(stored);
  if (studentCount(incoming) > 0 || before === 0) return null;
  return (
    `the sheet lists no students, but ${before} ${before === 1 ? 'student is' : 'students are'} stored from ` +
    "the last import; importing it would delete all of the College's pools and households"
  );
}
