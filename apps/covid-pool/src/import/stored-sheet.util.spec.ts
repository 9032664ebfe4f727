import { describe, expect, it } from '@jest/globals';
import { assembleByCollege } from './stored-sheet.util.js';

const pool = (collegeId: string, id: string) => ({ collegeId, id, description: null, collectionDay: null });
const household = (collegeId: string, id: string, poolId: string) => ({ collegeId, id, poolId });
const student = (collegeId: string, crsid: string, householdId: string) => ({
  collegeId,
  crsid,
  householdId,
});

describe('assembleByCollege', () => {
  it('groups rows of many Colleges, keeping each list in its order', () => {
    const sheets = assembleByCollege(
      [pool('a', 'P2'), pool('b', 'P1'), pool('a', 'P1')],
      [household('b', 'H1', 'P1'), household('a', 'H2', 'P1'), household('a', 'H1', 'P2')],
      [
        student('a', 'x2', 'H2'),
        student('b', 'y1', 'H1'),
        student('a', 'x1', 'H2'),
        student('a', 'z1', 'H1'),
      ],
    );
    expect([...sheets.keys()]).toEqual(['a', 'b']);
    expect(sheets.get('a')?.pools.map((p) => [p.id, p.households])).toEqual([
      ['P2', [{ id: 'H1', students: ['z1'] }]],
      ['P1', [{ id: 'H2', students: ['x2', 'x1'] }]],
    ]);
    expect(sheets.get('b')?.pools.map((p) => [p.id, p.households])).toEqual([
      ['P1', [{ id: 'H1', students: ['y1'] }]],
    ]);
  });

  it.each([
    ['no rows at all', [], [], [], []],
    ['a College with pools but no households', [pool('a', 'P')], [], [], ['a']],
    ['households of a College with no pools (dropped)', [], [household('a', 'H', 'P')], [], []],
  ])('%s', (_name, pools, households, students, colleges) => {
    expect([...assembleByCollege(pools, households, students).keys()]).toEqual(colleges);
  });

  it('never mixes up Colleges that use the same pool and household names', () => {
    const sheets = assembleByCollege(
      [pool('a', 'P'), pool('b', 'P')],
      [household('a', 'H', 'P'), household('b', 'H', 'P')],
      [student('b', 'bb1', 'H'), student('a', 'aa1', 'H')],
    );
    expect(sheets.get('a')?.pools[0]?.households).toEqual([{ id: 'H', students: ['aa1'] }]);
    expect(sheets.get('b')?.pools[0]?.households).toEqual([{ id: 'H', students: ['bb1'] }]);
  });
});
