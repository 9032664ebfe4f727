import type { CollegeSheet, SheetPool, Weekday } from '../sheet/sheet.types.js';

export interface StoredPool {
  collegeId: string;
  id: string;
  description: string | null;
  collectionDay: string | null;
}
export interface StoredHousehold {
  collegeId: string;
  id: string;
  poolId: string;
}
export interface StoredStudent {
  collegeId: string;
  crsid: string;
  householdId: string;
}
export interface StoredContact {
  name: string | null;
  email: string;
}

/** One College's stored rows (each list in position order) as the sheet they came from. */
export function assembleCollegeSheet(
  pools: readonly Omit<StoredPool, 'collegeId'>[],
  households: readonly Omit<StoredHousehold, 'collegeId'>[],
  students: readonly Omit<StoredStudent, 'collegeId'>[],
  contacts: readonly StoredContact[],
): CollegeSheet {
  const studentsByHousehold = new Map<string, string[]>();
  for (const s of students) {
    const list = studentsByHousehold.get(s.householdId);
    if (list === undefined) studentsByHousehold.set(s.householdId, [s.crsid]);
    else list.push(s.crsid);
  }
  const poolMap = new Map<string, SheetPool>(
    pools.map((p) => [
      p.id,
      {
        id: p.id,
        description: p.description,
        collectionDay: p.collectionDay as Weekday | null,
        households: [],
      },
    ]),
  );
  for (const h of households) {
    poolMap.get(h.poolId)?.households.push({ id: h.id, students: studentsByHousehold.get(h.id) ?? [] });
  }
  return { pools: [...poolMap.values()], contacts: contacts.map((c) => ({ name: c.name, email: c.email })) };
}

/**
 * Every College's stored rows, grouped per College in one pass over each list (not one filter per
 * College), then assembled. Colleges with no pools are absent from the map.
 */
export function assembleByCollege(
  pools: readonly StoredPool[],
  households: readonly StoredHousehold[],
  students: readonly StoredStudent[],
): Map<string, CollegeSheet> {
  const groups = new Map<
    string,
    { pools: StoredPool[]; households: StoredHousehold[]; students: StoredStudent[] }
  >();
  const groupOf = (collegeId: string) => {
    let group = groups.get(collegeId);
    if (group === undefined) {
      group = { pools: [], households: [], students: [] };
      groups.set(collegeId, group);
    }
    return group;
  };
  for (const pool of pools) groupOf(pool.collegeId).pools.push(pool);
  for (const household of households) groups.get(household.collegeId)?.households.push(household);
  for (const student of students) groups.get(student.collegeId)?.students.push(student);
  const sheets = new Map<string, CollegeSheet>();
  for (const [collegeId, group] of groups) {
    sheets.set(collegeId, assembleCollegeSheet(group.pools, group.households, group.students, []));
  }
  return sheets;
}
