import { describe, expect, it } from '@jest/globals';
import type { CollegeSheet } from '../sheet/sheet.types.js';
import { countChanges, diffCollege } from './pool-diff.util.js';

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
    expect(changes.pools).toEqual({ added: ['C'], removed: ['B'], changed: ['A'] });
    expect(changes.households).toEqual({ added: ['H3'], removed: ['H2'], changed: ['H1'] });
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
