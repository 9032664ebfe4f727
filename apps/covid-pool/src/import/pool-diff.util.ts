import type { CollegeSheet, SheetPool } from '../sheet/sheet.types.js';

export interface ChangeList {
  added: string[];
  removed: string[];
  changed: string[];
}

export interface CollegeChanges {
  pools: ChangeList;
  households: ChangeList;
  students: { added: number; removed: number };
  contactsChanged: boolean;
}

const LIST_CAP = 200;

function compareById<T extends { id: string }>(
  before: T[],
  after: T[],
  same: (a: T, b: T) => boolean,
): ChangeList {
  const old = new Map(before.map((item) => [item.id, item]));
  const next = new Map(after.map((item) => [item.id, item]));
  const cap = (ids: string[]) => ids.slice(0, LIST_CAP);
  return {
    added: cap(after.filter((item) => !old.has(item.id)).map((item) => item.id)),
    removed: cap(before.filter((item) => !next.has(item.id)).map((item) => item.id)),
    changed: cap(
      after
        .filter((item) => {
          const previous = old.get(item.id);
          return previous !== undefined && !same(previous, item);
        })
        .map((item) => item.id),
    ),
  };
}

function householdsOf(pools: SheetPool[]) {
  return pools.flatMap((pool) =>
    pool.households.map((h) => ({ id: h.id, pool: pool.id, students: h.students })),
  );
}

/** What an import changes: pools and households added, removed or changed; students added and removed. */
export function diffCollege(before: CollegeSheet, after: CollegeSheet): CollegeChanges {
  const pools = compareById(
    before.pools,
    after.pools,
    (a, b) =>
      a.description === b.description &&
      a.collectionDay === b.collectionDay &&
      a.households.map((h) => h.id).join('\n') === b.households.map((h) => h.id).join('\n'),
  );
  const households = compareById(
    householdsOf(before.pools),
    householdsOf(after.pools),
    (a, b) => a.pool === b.pool && a.students.join(',') === b.students.join(','),
  );
  const oldStudents = new Set(householdsOf(before.pools).flatMap((h) => h.students));
  const newStudents = new Set(householdsOf(after.pools).flatMap((h) => h.students));
  const contactKey = (sheet: CollegeSheet) =>
    sheet.contacts.map((c) => `${c.email.toLowerCase()}|${c.name ?? ''}`).join('\n');
  return {
    pools,
    households,
    students: {
      added: [...newStudents].filter((s) => !oldStudents.has(s)).length,
      removed: [...oldStudents].filter((s) => !newStudents.has(s)).length,
    },
    contactsChanged: contactKey(before) !== contactKey(after),
  };
}

export function countChanges(changes: CollegeChanges): number {
  const size = (list: ChangeList) => list.added.length + list.removed.length + list.changed.length;
  return size(changes.pools) + size(changes.households) + (changes.contactsChanged ? 1 : 0);
}
