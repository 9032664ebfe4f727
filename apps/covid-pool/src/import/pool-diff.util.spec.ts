import { describe, expect, it } from '@jest/globals';
import type { CollegeSheet } from '../sheet/sheet.types.js';
import { countChanges, diffCollege, LIST_CAP } from './pool-diff.util.js';

const contacts = [{ name: 'Porter', email: 'porter@example.ac.uk' }];
const base: CollegeSheet = {
  pools: [
    {
      id: 'A',
      description: null,
      collectionDay: 'Monday',
      households: [{ id: 'H1', students: ['ab1', 'cd2'] }],
    },
    {
      id: 'B',
      description: 'Staircase B',
      collectionDay: null,
      households: [{ id: 'H2', students: ['ef3'] }],
    },
  ],
  contacts,
};

describe('diffCollege', () => {
  it('finds nothing between equal sheets', () => {
    const changes = diffCollege(base, structuredClone(base));
    expect(countChanges(changes)).toBe(0);
    expect(changes.students).toEqual({ added: 0, removed: 0 });
  });

  it('names pools and households added, removed and changed, and counts students', () => {
    const after: CollegeSheet = {
      pools: [
        {
          id: 'A',
          description: 'now described',
          collectionDay: 'Monday',
          households: [{ id: 'H1', students: ['ab1'] }],
        },
        {
          id: 'C',
          description: null,
          collectionDay: null,
          households: [{ id: 'H3', students: ['gh4', 'ef3'] }],
        },
      ],
      contacts: [{ name: 'Porter', email: 'PORTER@example.ac.uk' }],
    };
    const changes = diffCollege(base, after);
    expect(changes.pools).toEqual({
      added: ['C'],
      removed: ['B'],
      changed: ['A'],
      count: { added: 1, removed: 1, changed: 1 },
      truncated: false,
    });
    expect(changes.households).toEqual({
      added: ['H3'],
      removed: ['H2'],
      changed: ['H1'],
      count: { added: 1, removed: 1, changed: 1 },
      truncated: false,
    });
    expect(changes.students).toEqual({ added: 1, removed: 1 });
    expect(changes.contactsChanged).toBe(false);
    expect(countChanges(changes)).toBe(6);
  });

  it('sees a household moved to another pool as a change of the household and both pools', () => {
    const after = structuredClone(base);
    const moved = after.pools[0].households.pop()!;
    after.pools[1].households.push(moved);
    const changes = diffCollege(base, after);
    expect(changes.households.changed).toEqual(['H1']);
    expect(changes.pools.changed).toEqual(['A', 'B']);
  });

  it('notices contact changes', () => {
    expect(diffCollege(base, { ...base, contacts: [] }).contactsChanged).toBe(true);
  });
});

describe('diffCollege on a large College', () => {
  const pools = (count: number, prefix: string): CollegeSheet['pools'] =>
    Array.from({ length: count }, (_, i) => ({
      id: `${prefix}${i}`,
      description: null,
      collectionDay: null,
      households: [{ id: `${prefix}H${i}`, students: [`${prefix}s${i}`] }],
    }));

  it.each([
    [LIST_CAP, false],
    [LIST_CAP + 1, true],
    [450, true],
  ])('counts all %i pools and households added and removed, listing at most LIST_CAP', (n, truncated) => {
    const changes = diffCollege({ pools: pools(n, 'old'), contacts }, { pools: pools(n, 'new'), contacts });
    expect(changes.pools.count).toEqual({ added: n, removed: n, changed: 0 });
    expect(changes.households.count).toEqual({ added: n, removed: n, changed: 0 });
    expect(changes.pools.added).toHaveLength(Math.min(n, LIST_CAP));
    expect(changes.pools.added[0]).toBe('new0');
    expect(changes.pools.truncated).toBe(truncated);
    expect(changes.households.truncated).toBe(truncated);
    expect(changes.students).toEqual({ added: n, removed: n });
    expect(countChanges(changes)).toBe(4 * n);
  });
});
