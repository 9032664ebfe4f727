import { describe, expect, it } from '@jest/globals';
import { collegeInputSchema } from './college.types.js';

describe('collegeInputSchema', () => {
  it.each<[string, unknown, string[]]>([
    ['a valid College', { name: "King's College", spreadsheetId: 'abc_DEF-123' }, []],
    ['a name with a NUL byte', { name: 'a\u0000b', spreadsheetId: 'abc' }, ['name']],
    ['a name with a line break', { name: 'a\nb', spreadsheetId: 'abc' }, ['name']],
    ['a name with a tab', { name: 'a\tb', spreadsheetId: 'abc' }, ['name']],
    ['a name with DEL', { name: 'a\u007fb', spreadsheetId: 'abc' }, ['name']],
    ['a name with accents and an apostrophe', { name: 'Sidney Sussex – Café’s', spreadsheetId: 'abc' }, []],
    ['an empty name', { name: '  ', spreadsheetId: 'abc' }, ['name']],
    ['a spreadsheet id with a NUL byte', { name: 'N', spreadsheetId: 'ab\u0000c' }, ['spreadsheetId']],
    ['an unknown field', { name: 'N', spreadsheetId: 'abc', extra: 1 }, ['']],
  ])('%s', (_name, body, badFields) => {
    const parsed = collegeInputSchema.safeParse(body);
    expect(parsed.success ? [] : parsed.error.issues.map((i) => i.path.join('.'))).toEqual(badFields);
  });
});
