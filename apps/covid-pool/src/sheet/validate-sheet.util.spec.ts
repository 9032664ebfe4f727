import { describe, expect, it } from '@jest/globals';
import { FINDING_SEVERITY, type RawWorkbook, type WorksheetName } from './sheet.types.js';
import { SheetValidationMemo, validateCollegeSheet } from './validate-sheet.util.js';

type Rows = string[][];

const POOLS: Rows = [
  ['Pool', 'Description', 'Collection day'],
  ['Alpha', 'Staircase A', 'Monday'],
  ['Beta', '', 'tuesday'],
];
const HOUSEHOLDS: Rows = [
  ['Household', 'Pool', 'Student 1', 'Student 2', 'Student 3'],
  ['A1', 'Alpha', 'ab123', 'cd456'],
  ['B1', 'Beta', 'ef789'],
];
const CONTACTS: Rows = [
  ['Name', 'Email'],
  ['Jo Bloggs', 'jo@cam.ac.uk'],
];

/** A valid workbook with some worksheets replaced (null: the worksheet is missing). */
function workbook(replace: Partial<Record<WorksheetName, Rows | null>> = {}): RawWorkbook {
  const pick = (name: WorksheetName, rows: Rows) => {
    const replacement = replace[name];
    return replacement === null ? undefined : (replacement ?? rows);
  };
  return {
    worksheets: {
      Pools: pick('Pools', POOLS),
      Households: pick('Households', HOUSEHOLDS),
      Contacts: pick('Contacts', CONTACTS),
    },
  };
}

/** Households rows for one pool holding `count` students, three per household. */
function householdsOf(pool: string, count: number, prefix: string): Rows {
  const rows: Rows = [];
  for (let first = 0; first < count; first += 3) {
    const students = Array.from(
      { length: Math.min(3, count - first) },
      (_, i) => `${prefix}${first + i + 10}`,
    );
    rows.push([`${prefix}-${rows.length + 1}`, pool, ...students]);
  }
  return rows;
}

const check = (raw: RawWorkbook, maxPoolSize = 10) => validateCollegeSheet(raw, { maxPoolSize });
const summary = (raw: RawWorkbook, maxPoolSize = 10) =>
  check(raw, maxPoolSize).findings.map((f) => [f.worksheet, f.row, f.column, f.code]);

describe('validateCollegeSheet', () => {
  it('reads a valid sheet into pools, households and contacts, in sheet order', () => {
    const result = check(workbook());
    expect(result.findings).toEqual([]);
    expect(result.hasErrors).toBe(false);
    expect(result.sheet).toEqual({
      pools: [
        {
          id: 'Alpha',
          description: 'Staircase A',
          collectionDay: 'Monday',
          households: [{ id: 'A1', students: ['ab123', 'cd456'] }],
        },
        {
          id: 'Beta',
          description: null,
          collectionDay: 'Tuesday',
          households: [{ id: 'B1', students: ['ef789'] }],
        },
      ],
      contacts: [{ name: 'Jo Bloggs', email: 'jo@cam.ac.uk' }],
    });
  });

  it('matches headers in any case, order and spacing, trims values and pads short rows', () => {
    const result = check(
      workbook({
        Pools: [[' collection DAY ', 'POOL'], ['  FRIDAY ', ' Alpha  '], [], ['', 'Beta']],
        Households: [
          ['student 2', ' pool', 'HOUSEHOLD ', 'Student 1'],
          ['', 'alpha', 'A1', ' AB123 '],
          ['  ', '', '', ''],
          ['', 'BETA', 'B1', 'ef789'],
        ],
        Contacts: [['EMAIL', 'name'], [' jo@cam.ac.uk ']],
      }),
    );
    expect(result.findings).toEqual([]);
    expect(result.sheet).toEqual({
      pools: [
        {
          id: 'Alpha',
          description: null,
          collectionDay: 'Friday',
          households: [{ id: 'A1', students: ['ab123'] }],
        },
        {
          id: 'Beta',
          description: null,
          collectionDay: null,
          households: [{ id: 'B1', students: ['ef789'] }],
        },
      ],
      contacts: [{ name: null, email: 'jo@cam.ac.uk' }],
    });
  });

  it('skips blank rows but keeps the row numbers the administrator sees', () => {
    const result = check(
      workbook({ Households: [...HOUSEHOLDS, [], ['', '  ', ''], ['C1', 'Gamma', 'gh1']] }),
    );
    expect(result.findings).toEqual([
      expect.objectContaining({ worksheet: 'Households', row: 6, column: 'Pool', code: 'unknown_pool' }),
    ]);
  });

  it('names the place in every message, as the administrator sees it', () => {
    const result = check(
      workbook({ Households: [...HOUSEHOLDS.slice(0, 2), ['B1', 'Beta', 'ef789', 'gh12', 'AB 12']] }),
    );
    expect(result.findings).toEqual([
      {
        severity: 'error',
        worksheet: 'Households',
        row: 3,
        column: 'Student 3',
        code: 'invalid_crsid',
        message:
          "Households row 3, column Student 3: 'AB 12' is not a valid CRSid (letters then optional digits, 2 to 8 characters).",
      },
    ]);
  });

  const errorCases: [string, RawWorkbook, (string | number | null)[][]][] = [
    ['a missing worksheet', workbook({ Contacts: null }), [['Contacts', null, null, 'missing_worksheet']]],
    [
      'a missing Households worksheet (pools are not reported empty)',
      workbook({ Households: null }),
      [['Households', null, null, 'missing_worksheet']],
    ],
    [
      'a missing Pools worksheet (households are not reported as naming unknown pools)',
      workbook({ Pools: null }),
      [['Pools', null, null, 'missing_worksheet']],
    ],
    [
      'a missing required column',
      workbook({
        Households: [
          ['Household', 'Student 1'],
          ['A1', 'ab123'],
        ],
      }),
      [['Households', 1, null, 'missing_column']],
    ],
    [
      'no Student column',
      workbook({
        Households: [
          ['Household', 'Pool'],
          ['A1', 'Alpha'],
        ],
      }),
      [
        ['Pools', 3, 'Pool', 'empty_pool'],
        ['Households', 1, null, 'missing_column'],
      ],
    ],
    [
      'a missing Email column',
      workbook({ Contacts: [['Name'], ['Jo']] }),
      [['Contacts', 1, null, 'missing_column']],
    ],
    [
      'an empty sheet: every required column is missing',
      workbook({ Contacts: [] }),
      [['Contacts', 1, null, 'missing_column']],
    ],
    [
      'a repeated column header',
      workbook({
        Contacts: [
          ['Email', 'Name', 'email'],
          ['jo@cam.ac.uk', 'Jo', 'x@cam.ac.uk'],
        ],
      }),
      [['Contacts', 1, 'email', 'duplicate_column']],
    ],
    [
      'empty required cells in every worksheet',
      workbook({
        Pools: [...POOLS, ['', 'No name']],
        Households: [...HOUSEHOLDS, ['', 'Alpha', 'xy1'], ['C1', '', 'xy2']],
        Contacts: [...CONTACTS, ['Sam']],
      }),
      [
        ['Pools', 4, 'Pool', 'empty_required_cell'],
        ['Households', 4, 'Household', 'empty_required_cell'],
        ['Households', 5, 'Pool', 'empty_required_cell'],
        ['Contacts', 3, 'Email', 'empty_required_cell'],
      ],
    ],
    [
      'control characters in cells that are read, named by place (the values are cleaned for the other rules)',
      workbook({
        Pools: [['Pool', 'Description'], ['Alpha', 'Stair\u0000case A'], ['Beta']],
        Households: [
          ['Household', 'Pool', 'Student 1', 'Student 2', 'Notes'],
          ['A\u00001', 'Alpha', 'ab123', 'cd\u0007456', 'ignored\u0000'],
          ['B1', 'Beta', 'ef789'],
        ],
        Contacts: [
          ['Name', 'Email\u001b'],
          ['Jo\u0085', 'jo@cam.ac.uk'],
        ],
      }),
      [
        ['Pools', 2, 'Description', 'invalid_character'],
        ['Households', 1, 'Notes', 'unknown_column'],
        ['Households', 2, 'Household', 'invalid_character'],
        ['Households', 2, 'Student 2', 'invalid_character'],
        ['Contacts', 1, 'Email', 'invalid_character'],
        ['Contacts', 2, 'Name', 'invalid_character'],
      ],
    ],
    [
      'a duplicate pool (names compared in any case)',
      workbook({ Pools: [...POOLS, ['ALPHA', 'again']] }),
      [['Pools', 4, 'Pool', 'duplicate_pool']],
    ],
    [
      'a duplicate household',
      workbook({ Households: [...HOUSEHOLDS, ['a1', 'Beta', 'zz9']] }),
      [['Households', 4, 'Household', 'duplicate_household']],
    ],
    [
      'a household naming a pool that does not exist',
      workbook({ Households: [...HOUSEHOLDS, ['C1', 'Gamma', 'gh1']] }),
      [['Households', 4, 'Pool', 'unknown_pool']],
    ],
    [
      'invalid CRSids',
      workbook({ Households: [...HOUSEHOLDS, ['C1', 'Beta', '123ab', 'ab12c', 'abcdefghi']] }),
      [
        ['Households', 4, 'Student 1', 'invalid_crsid'],
        ['Households', 4, 'Student 2', 'invalid_crsid'],
        ['Households', 4, 'Student 3', 'invalid_crsid'],
      ],
    ],
    [
      'the same student twice in one household',
      workbook({ Households: [...HOUSEHOLDS, ['C1', 'Beta', 'gh1', 'xy2', 'GH1']] }),
      [['Households', 4, 'Student 3', 'duplicate_student']],
    ],
    [
      'one student in two households of different pools',
      workbook({ Households: [...HOUSEHOLDS, ['C1', 'Beta', 'xy2', 'cd456']] }),
      [['Households', 4, 'Student 2', 'duplicate_student']],
    ],
    [
      'an invalid email',
      workbook({ Contacts: [...CONTACTS, ['Sam', 'Sam Smith <ss1@cam.ac.uk>']] }),
      [['Contacts', 3, 'Email', 'invalid_email']],
    ],
    [
      'no valid contact',
      workbook({
        Contacts: [
          ['Name', 'Email'],
          ['Jo', 'jo at cam'],
          ['Sam', ''],
        ],
      }),
      [
        ['Contacts', null, null, 'no_valid_contact'],
        ['Contacts', 2, 'Email', 'invalid_email'],
        ['Contacts', 3, 'Email', 'empty_required_cell'],
      ],
    ],
    [
      'a Contacts worksheet with only a header',
      workbook({ Contacts: [['Name', 'Email']] }),
      [['Contacts', null, null, 'no_valid_contact']],
    ],
    [
      'a collection day that is not a weekday',
      workbook({ Pools: [...POOLS, ['Gamma', '', 'Mon']] }),
      [
        ['Pools', 4, 'Pool', 'empty_pool'],
        ['Pools', 4, 'Collection day', 'invalid_collection_day'],
      ],
    ],
    [
      'a pool name that is too long',
      workbook({ Pools: [['Pool'], ['Alpha'], ['Beta'], ['x'.repeat(33)]] }),
      [
        ['Pools', 4, 'Pool', 'invalid_pool_name'],
        ['Pools', 4, 'Pool', 'empty_pool'],
      ],
    ],
    [
      'a pool name with characters that are not allowed',
      workbook({
        Pools: [['Pool'], ['Alpha'], ['Beta'], ['Café/Bar']],
        Households: [...HOUSEHOLDS, ['C1', 'Café/Bar']],
      }),
      [
        ['Pools', 4, 'Pool', 'invalid_pool_name'],
        ['Households', 4, 'Household', 'empty_household'],
      ],
    ],
  ];

  it.each(errorCases)('reports %s', (_name, raw, expected) => {
    const result = check(raw);
    expect(result.findings.map((f) => [f.worksheet, f.row, f.column, f.code])).toEqual(expected);
    expect(result.hasErrors).toBe(true);
  });

  const warningCases: [string, RawWorkbook, (string | number | null)[][]][] = [
    [
      'a pool with no households',
      workbook({ Pools: [...POOLS, ['Gamma']] }),
      [['Pools', 4, 'Pool', 'empty_pool']],
    ],
    [
      'a household with no students',
      workbook({ Households: [...HOUSEHOLDS, ['C1', 'Beta', '', '']] }),
      [['Households', 4, 'Household', 'empty_household']],
    ],
    [
      'an unknown column',
      workbook({
        Contacts: [
          ['Name', 'Phone', 'Email'],
          ['Jo', '01223', 'jo@cam.ac.uk'],
        ],
      }),
      [['Contacts', 1, 'Phone', 'unknown_column']],
    ],
    [
      'values in a column without a header (named by its letter)',
      workbook({
        Contacts: [
          ['Name', 'Email'],
          ['Jo', 'jo@cam.ac.uk', '', 'note'],
        ],
      }),
      [['Contacts', 1, 'D', 'unknown_column']],
    ],
    [
      'a contact listed twice',
      workbook({ Contacts: [...CONTACTS, ['Jo again', 'JO@cam.ac.uk']] }),
      [['Contacts', 3, 'Email', 'duplicate_contact']],
    ],
  ];

  it.each(warningCases)('warns about %s and lets the import go ahead', (_name, raw, expected) => {
    const result = check(raw);
    expect(result.findings.map((f) => [f.worksheet, f.row, f.column, f.code])).toEqual(expected);
    expect(result.findings.every((f) => f.severity === 'warning')).toBe(true);
    expect(result.hasErrors).toBe(false);
  });

  it('has a table case for every finding code', () => {
    const seen = new Set(
      [...errorCases, ...warningCases].flatMap(([, , expected]) => expected.map((finding) => finding[3])),
    );
    seen.add('pool_too_large'); // its own tests below: it needs more rows than a table line holds
    expect(Object.keys(FINDING_SEVERITY).filter((code) => !seen.has(code))).toEqual([]);
  });

  it('accepts a collection day in any case and stores the canonical name', () => {
    const result = check(
      workbook({
        Pools: [
          ['Pool', 'Collection day'],
          ['Alpha', 'wEdNeSdAy'],
          ['Beta', 'SUNDAY'],
        ],
      }),
    );
    expect(result.findings).toEqual([]);
    expect(result.sheet.pools.map((p) => p.collectionDay)).toEqual(['Wednesday', 'Sunday']);
  });

  it('accepts a pool of exactly maxPoolSize students', () => {
    const raw = workbook({
      Households: [HOUSEHOLDS[0], ...householdsOf('Alpha', 10, 'ab'), ['B1', 'Beta', 'ef1']],
    });
    expect(summary(raw)).toEqual([]);
  });

  it('reports a pool over maxPoolSize, naming the pool, its count and its households', () => {
    const raw = workbook({
      Households: [HOUSEHOLDS[0], ...householdsOf('Alpha', 11, 'ab'), ['B1', 'Beta', 'ef1']],
    });
    const result = check(raw);
    expect(result.findings.map((f) => [f.worksheet, f.row, f.column, f.code])).toEqual([
      ['Pools', 2, 'Pool', 'pool_too_large'],
    ]);
    const { message } = result.findings[0] ?? { message: '' };
    expect(message).toContain(
      "Pools row 2, column Pool: the pool 'Alpha' has 11 students, more than the limit of 10.",
    );
    for (const [household, row, students] of [
      ['ab-1', 2, 3],
      ['ab-2', 3, 3],
      ['ab-3', 4, 3],
      ['ab-4', 5, 2],
    ] as const) {
      expect(message).toContain(`'${household}' (Households row ${row}, ${students} students)`);
    }
  });

  it('uses the maxPoolSize it is given', () => {
    expect(summary(workbook(), 2)).toEqual([]);
    expect(summary(workbook(), 1)).toEqual([['Pools', 2, 'Pool', 'pool_too_large']]);
  });

  it('names both places when a student is in two households of different pools', () => {
    const result = check(workbook({ Households: [...HOUSEHOLDS, ['C1', 'Beta', 'xy2', 'CD456']] }));
    expect(result.findings.map((f) => f.message)).toEqual([
      "Households row 4, column Student 2: the student 'cd456' is also listed in household 'A1' " +
        "(row 2, column Student 2, pool 'Alpha'). A student can be in one household only: remove one of the two.",
    ]);
  });

  it('names the other column when a student is twice in one household', () => {
    const result = check(workbook({ Households: [...HOUSEHOLDS, ['C1', 'Beta', 'gh1', 'xy2', 'GH1']] }));
    expect(result.findings[0]?.message).toBe(
      "Households row 4, column Student 3: the student 'gh1' is listed twice in this household " +
        '(also in column Student 1). Remove one of them.',
    );
  });

  it('finds every problem in one pass and orders them by worksheet, row and column', () => {
    const raw: RawWorkbook = {
      worksheets: {
        Households: [
          ['Notes', 'Student 1', 'Household', 'Pool', 'Student 2'],
          ['', 'bad crsid', 'A1', 'Nowhere', 'ab1'],
          ['', 'ab1', 'A1', 'Alpha'],
        ],
        Pools: [['Pool', 'Collection day'], ['Alpha', 'Someday'], ['Alpha']],
        Contacts: [['Email'], ['nobody']],
      },
    };
    expect(summary(raw)).toEqual([
      ['Pools', 2, 'Pool', 'empty_pool'],
      ['Pools', 2, 'Collection day', 'invalid_collection_day'],
      ['Pools', 3, 'Pool', 'duplicate_pool'],
      ['Households', 1, 'Notes', 'unknown_column'],
      ['Households', 2, 'Student 1', 'invalid_crsid'],
      ['Households', 2, 'Pool', 'unknown_pool'],
      ['Households', 3, 'Household', 'duplicate_household'],
      ['Contacts', null, null, 'no_valid_contact'],
      ['Contacts', 2, 'Email', 'invalid_email'],
    ]);
  });

  it('returns the valid part of the sheet even when there are errors', () => {
    const result = check(
      workbook({ Households: [...HOUSEHOLDS, ['C1', 'Beta', 'AB 12', 'xy9'], ['D1', 'Gamma', 'zz1']] }),
    );
    expect(result.hasErrors).toBe(true);
    expect(result.sheet.pools.map((p) => [p.id, p.households])).toEqual([
      ['Alpha', [{ id: 'A1', students: ['ab123', 'cd456'] }]],
      [
        'Beta',
        [
          { id: 'B1', students: ['ef789'] },
          { id: 'C1', students: ['xy9'] },
        ],
      ],
    ]);
  });

  it('is deterministic', () => {
    const raw = workbook({ Households: [...HOUSEHOLDS, ['A1', 'Gamma', 'x'], ['', '', 'ab123']] });
    expect(check(raw)).toEqual(check(raw));
  });

  it('gives every finding a message that starts with its place', () => {
    const raw = workbook({
      Households: [...HOUSEHOLDS, ['A1', 'Gamma', 'x']],
      Contacts: [
        ['Email', ''],
        ['bad', 'x'],
      ],
    });
    for (const finding of check(raw).findings) {
      if (finding.row === null) expect(finding.message).toContain(finding.worksheet);
      else if (finding.column === null)
        expect(finding.message.startsWith(`${finding.worksheet} row ${finding.row}: `)).toBe(true);
      else {
        expect(
          finding.message.startsWith(`${finding.worksheet} row ${finding.row}, column ${finding.column}: `),
        ).toBe(true);
      }
    }
  });
});

describe('SheetValidationMemo', () => {
  const options = { maxPoolSize: 10 };
  /** A fresh copy of the workbook, so that nothing is remembered by object identity. */
  const copy = (raw: RawWorkbook): RawWorkbook => structuredClone(raw);

  it('gives the result validation gives, and the same result again while the cells are unchanged', () => {
    const memo = new SheetValidationMemo();
    const raw = workbook({ Households: [...HOUSEHOLDS, ['C1', 'Gamma', 'ab1']] });
    const first = memo.validate('college-a', raw, options);
    expect(first).toEqual(validateCollegeSheet(raw, options));
    expect(first.hasErrors).toBe(true);
    expect(memo.validate('college-a', copy(raw), options)).toBe(first);
  });

  it('validates again when a cell, a missing worksheet or an option differs', () => {
    const memo = new SheetValidationMemo();
    const first = memo.validate('college-a', workbook(), options);
    const changed = workbook({ Households: [HOUSEHOLDS[0] ?? [], ['A1', 'Alpha', 'ab123', 'cd457']] });
    const second = memo.validate('college-a', changed, options);
    expect(second).not.toBe(first);
    expect(second).toEqual(validateCollegeSheet(changed, options));
    const missing = memo.validate('college-a', workbook({ Contacts: null }), options);
    expect(missing.findings.map((f) => f.code)).toEqual(['missing_worksheet']);
    const emptied = memo.validate('college-a', workbook({ Contacts: [] }), options);
    expect(emptied.findings.map((f) => f.code)).not.toEqual(['missing_worksheet']);
    const big = workbook({
      Households: [HOUSEHOLDS[0] ?? [], ...householdsOf('Alpha', 3, 'zz'), ['B1', 'Beta', 'ef789']],
    });
    expect(memo.validate('college-a', big, { maxPoolSize: 3 }).hasErrors).toBe(false);
    expect(memo.validate('college-a', big, { maxPoolSize: 2 }).findings.map((f) => f.code)).toContain(
      'pool_too_large',
    );
  });

  it('keeps one result per College and forgets the least recently validated past its size', () => {
    const memo = new SheetValidationMemo(2);
    const a = memo.validate('college-a', workbook(), options);
    const b = memo.validate('college-b', workbook(), options);
    expect(b).not.toBe(a);
    expect(memo.validate('college-a', workbook(), options)).toBe(a);
    memo.validate('college-c', workbook(), options);
    expect(memo.validate('college-a', workbook(), options)).toBe(a);
    expect(memo.validate('college-b', workbook(), options)).not.toBe(b);
  });
});
