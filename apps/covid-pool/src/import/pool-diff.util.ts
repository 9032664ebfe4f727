import type { CollegeSheet, SheetPool } from '../sheet/sheet.types.js';

/**
 * Ids added, removed and changed. The lists keep the first LIST_CAP ids each (a run summary and an
 * audit row stay readable when a whole College is replaced); `count` is always exact.
 */
export interface ChangeList {
  added: string[];
  removed: string[];
  changed: string[];
  count: { added: number; removed: number; changed: number };
  /** True when a list was cut to LIST_CAP ids. */
  truncated: boolean;
}

export interface CollegeChanges {
  pools: ChangeList;
  households: ChangeList;
  students: { added: number; removed: number };
  contactsChanged: boolean;
}

export const LIST_CAP = 200;

function compareById<T extends { id: string }>(
  before: T[],
  after: T[],
  same: (a: T, b: T) => boolean,
): ChangeList {
  const old = new Map(before.map((item) => [item.id, item]));
  const next = new Map(after.map((item) => [item.id, item]));
  const added = after.filter((item) => !old.has(item.id)).map((item) => item.id);
  const removed = before.filter((item) => !next.has(item.id)).map((item) => item.id);
  const changed = after
    .filter((item) => {
      const previous = old.get(item.id);
      return previous !== undefined && !same(previous, item);
    })
    .map((item) => item.id);
  return {
    added: added.slice(0, LIST_CAP),
    removed: removed.slice(0, LIST_CAP),
    changed: changed.slice(0, LIST_CAP),
    count: { added: added.length, removed: removed.length, changed: changed.length },
    truncated: Math.max(added.length, removed.length, changed.length) > LIST_CAP,
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
  const householdsBefore = householdsOf(before.pools);
  const householdsAfter = householdsOf(after.pools);
  const households = compareById(
    householdsBefore,
    householdsAfter,
    (a, b) => a.pool === b.pool && a.students.join(',') === b.students.join(','),
  );
  const oldStudents = new Set(householdsBefore.flatMap((h) => h.students));
  const newStudents = new Set(householdsAfter.flatMap((h) => h.students));
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
  const size = ({ count }: ChangeList) => count.added + count.removed + count.changed;
  return size(changes.pools) + size(changes.households) + (changes.contactsChanged ? 1 : 0);
}
