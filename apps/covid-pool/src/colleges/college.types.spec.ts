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
    ['a name that is a lone right-to-left override', { name: '\u202e', spreadsheetId: 'abc' }, ['name']],
    [
      'a name hidden behind a right-to-left override',
      { name: 'a\u202eegelloC', spreadsheetId: 'abc' },
      ['name'],
    ],
    ['a name of zero-width characters only', { name: '\u200b\u200c\u200d', spreadsheetId: 'abc' }, ['name']],
    ['a name with a line separator', { name: 'a\u2028b', spreadsheetId: 'abc' }, ['name']],
    ['a name with a paragraph separator', { name: 'a\u2029b', spreadsheetId: 'abc' }, ['name']],
    ['a name of combining marks only', { name: '\u0301\u0301', spreadsheetId: 'abc' }, ['name']],
    ['a name of Hangul fillers only', { name: '\u3164', spreadsheetId: 'abc' }, ['name']],
    ['a spreadsheet id that is a path', { name: 'N', spreadsheetId: '../x' }, ['spreadsheetId']],
    ['a spreadsheet id with a NUL byte', { name: 'N', spreadsheetId: 'ab\u0000c' }, ['spreadsheetId']],
    ['an unknown field', { name: 'N', spreadsheetId: 'abc', extra: 1 }, ['']],
  ])('%s', (_name, body, badFields) => {
    const parsed = collegeInputSchema.safeParse(body);
    expect(parsed.success ? [] : parsed.error.issues.map((i) => i.path.join('.'))).toEqual(badFields);
  });
});

describe('collegeInputSchema messages', () => {
  it.each<[string, string]>([
    ['\u202e', 'must not contain control, format or line separator characters (found U+202E)'],
    ['\u200b', 'must not contain control, format or line separator characters (found U+200B)'],
    ['a\u2028b', 'must not contain control, format or line separator characters (found U+2028)'],
    ['\u0301', 'must contain a visible character'],
  ])('%j is refused with %j', (name, message) => {
    const parsed = collegeInputSchema.safeParse({ name, spreadsheetId: 'abc' });
    expect(parsed.error?.issues.map((issue) => [issue.path.join('.'), issue.message])).toEqual([
      ['name', message],
    ]);
  });
});
