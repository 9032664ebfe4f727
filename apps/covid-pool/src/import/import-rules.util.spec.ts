import { describe, expect, it } from '@jest/globals';
import type { CollegeSheet } from '../sheet/sheet.types.js';
import { emptyingRefusal, studentCount } from './import-guard.util.js';
import { plausibleRecipients } from './recipients.util.js';

/** A sheet with one pool per entry, each with one household of that many students. */
function sheet(...studentsPerPool: number[]): CollegeSheet {
  return {
    pools: studentsPerPool.map((n, p) => ({
      id: `P${p}`,
      description: null,
      collectionDay: null,
      households: [{ id: `H${p}`, students: Array.from({ length: n }, (_, i) => `s${p}x${i}`) }],
    })),
    contacts: [{ name: null, email: 'jo@cam.ac.uk' }],
  };
}

describe('emptyingRefusal', () => {
  it.each<[string, CollegeSheet, CollegeSheet, RegExp | null]>([
    ['stored students, a sheet with none', sheet(3, 1), sheet(), /no students, but 4 students are stored/],
    ['stored students, pools with empty households only', sheet(1), sheet(0, 0), /but 1 student is stored/],
    ['stored students, a sheet with one', sheet(3, 1), sheet(1), null],
    ['nothing stored, an empty sheet (a College setting up)', sheet(), sheet(), null],
    ['only empty pools stored, an empty sheet', sheet(0), sheet(), null],
    ['nothing stored, a full sheet', sheet(), sheet(2), null],
  ])('%s', (_name, stored, incoming, expected) => {
    const refusal = emptyingRefusal(stored, incoming);
    if (expected === null) expect(refusal).toBeNull();
    else expect(refusal).toMatch(expected);
  });

  it('counts students across pools and households', () => {
    expect(studentCount(sheet(3, 0, 2))).toBe(5);
  });
});

describe('plausibleRecipients', () => {
  it.each<[string[], string[], string[]]>([
    [['jo@cam.ac.uk', 'sam@cam.ac.uk'], ['jo@cam.ac.uk', 'sam@cam.ac.uk'], []],
    [['jo@cam.ac.uk', 'bad\\x@cam.ac.uk'], ['jo@cam.ac.uk'], ['bad\\x@cam.ac.uk']],
    [['[x]@cam.ac.uk', 'no-at-sign'], [], ['[x]@cam.ac.uk', 'no-at-sign']],
    [[' jo@cam.ac.uk ', 'JO@cam.ac.uk'], ['jo@cam.ac.uk'], []],
    [[], [], []],
  ])('%j -> usable %j, refused %j', (addresses, usable, refused) => {
    expect(plausibleRecipients(addresses)).toEqual({ usable, refused });
  });
});
