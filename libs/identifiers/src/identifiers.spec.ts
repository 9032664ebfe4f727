import { describe, expect, it } from '@jest/globals';
import {
  crsid,
  displayName,
  emailAddress,
  emailList,
  forbiddenCharactersIn,
  hasVisibleCharacter,
  isCrsid,
  isEmailAddress,
  isJobName,
  isSpreadsheetId,
  jobName,
  normaliseCrsid,
  plainText,
  spreadsheetId,
  withoutForbiddenCharacters,
} from './index.js';

const issues = (result: { success: boolean; error?: { issues: { message: string }[] } }) =>
  result.success ? [] : (result.error?.issues.map((issue) => issue.message) ?? []);

describe('CRSid', () => {
  it.each<[string, string | null]>([
    ['ab123', 'ab123'],
    ['spqr1', 'spqr1'],
    ['AB123', 'ab123'],
    [' xy12 ', 'xy12'],
    ['ab', 'ab'],
    ['abcdefgh', 'abcdefgh'],
    ['abcd1234', 'abcd1234'],
    ['a', null],
    ['abcdefghi', null],
    ['abcde1234', null],
    ['1ab', null],
    ['ab12c', null],
    ['AB 12', null],
    ['ab-12', null],
    ['ab123@cam.ac.uk', null],
    ['ab\u200b12', null],
    ['ａｂ１２', null],
    ['', null],
  ])('normaliseCrsid(%j) -> %j', (text, expected) => {
    expect(normaliseCrsid(text)).toBe(expected);
  });

  it.each<[string, boolean]>([
    ['ab123', true],
    ['AB123', false],
    [' ab123', false],
    ['ab123\n', false],
  ])('isCrsid(%j) (canonical form only) -> %s', (value, expected) => {
    expect(isCrsid(value)).toBe(expected);
  });

  it('parses input to the canonical form and says what a CRSid is', () => {
    expect(crsid.parse(' AB123 ')).toBe('ab123');
    expect(issues(crsid.safeParse('ab-1'))).toEqual([
      'must be a CRSid (a CRSid is 2 to 8 characters: lower-case letters, then digits (e.g. ab123))',
    ]);
  });
});

describe('email address', () => {
  it.each<[string, boolean]>([
    ['alice@example.org', true],
    ['first.last+tag@dept.example.ac.uk', true],
    ["o'brien@example.org", true],
    ['Jo.Bloggs+covid@example.org', true],
    ['x@y.z', true],
    ['', false],
    ['alice', false],
    ['alice@', false],
    ['@example.org', false],
    ['alice@localhost', false],
    ['alice@example.', false],
    ['alice@.example.org', false],
    ['alice@example..org', false],
    ['alice@@example.org', false],
    ['alice smith@example.org', false],
    ['Alice <alice@example.org>', false],
    ['alice@example.org, bob@example.org', false],
    ['alice@example.org;bob@example.org', false],
    ['alice@example.org\nbcc@example.org', false],
    ['ali\u0000ce@example.org', false],
    ['alice@exa\u0007mple.org', false],
    ['alice\u0085@example.org', false],
    ['ali\u200bce@example.org', false],
    ['\u202ealice@example.org', false],
    ['alice\u2028@example.org', false],
    ['alice@exämple.org', false],
    ['alice@xn--exmple-cua.org', true],
    ['jo\\bloggs@cam.ac.uk', false],
    ['jo[1]@cam.ac.uk', false],
    ['"jo"@cam.ac.uk', false],
    [`${'a'.repeat(242)}@example.org`, true],
    [`${'a'.repeat(243)}@example.org`, false],
  ])('%j -> %s', (address, expected) => {
    expect(isEmailAddress(address)).toBe(expected);
  });

  it('trims input and names the rule', () => {
    expect(emailAddress.parse(' jo@cam.ac.uk ')).toBe('jo@cam.ac.uk');
    expect(issues(emailAddress.safeParse('jo'))).toEqual(['must be an email address']);
  });
});

describe('emailList', () => {
  it.each<[string | undefined, boolean, string[] | null, string[]]>([
    [undefined, false, [], []],
    ['', false, [], []],
    ['a@example.org', false, ['a@example.org'], []],
    [' a@example.org , ,b@example.org,', false, ['a@example.org', 'b@example.org'], []],
    [undefined, true, null, ['is required']],
    [' , ', true, null, ['is required']],
    ['ops, x@y.z', false, null, ['must be email addresses']],
    ['a@example.org b@example.org', false, null, ['must be email addresses']],
    ['Ops <ops@example.org>', false, null, ['must be email addresses']],
  ])('%j (required: %s) -> %j %j', (value, required, list, messages) => {
    const result = emailList({ required }).safeParse(value);
    expect(result.success ? result.data : null).toEqual(list);
    expect(issues(result)).toEqual(messages);
  });

  it('never quotes the value it refuses', () => {
    const result = emailList().safeParse('secret-looking-value');
    expect(JSON.stringify(issues(result))).not.toContain('secret-looking-value');
  });
});

describe('spreadsheet id', () => {
  it.each<[string, boolean]>([
    ['1BxiMVs0XRA5nFMdKvBdBZjgmUUqptlbs74OgvE2upms', true],
    ['abc_DEF-123', true],
    ['abc', true],
    ['ab', false],
    ['x'.repeat(128), true],
    ['x'.repeat(129), false],
    ['../college', false],
    ['x/y', false],
    ['a b', false],
    ['ab\u0000c', false],
    ['https://docs.google.com/spreadsheets/d/abc', false],
    ['', false],
  ])('%j -> %s', (value, expected) => {
    expect(isSpreadsheetId(value)).toBe(expected);
    expect(spreadsheetId.safeParse(value).success).toBe(expected);
  });
});

describe('job name', () => {
  it.each<[string, boolean]>([
    ['import-all', true],
    ['sync', true],
    ['dispatch-outbox', true],
    ['step2-apply', true],
    ['a'.repeat(63), true],
    ['a'.repeat(64), false],
    ['Import-all', false],
    ['import_all', false],
    ['-import', false],
    ['import-', false],
    ['import--all', false],
    ['2fa-sync', false],
    ['import all', false],
    ['', false],
  ])('%j -> %s', (value, expected) => {
    expect(isJobName(value)).toBe(expected);
    expect(jobName.safeParse(value).success).toBe(expected);
  });
});

describe('forbidden characters', () => {
  it.each<[string, boolean, string[]]>([
    ['plain text', false, []],
    ['café ünïcödé ✓ 🙂 – ’', false, []],
    ['two\nlines\r\nand\ttab', true, []],
    ['two\nlines', false, ['U+000A']],
    ['a\u0000b\u001b', true, ['U+0000', 'U+001B']],
    ['delete\u007f next\u0085', true, ['U+007F', 'U+0085']],
    ['\u202eegelloC', true, ['U+202E']],
    ['\u202dLRO \u2066isolate\u2069', true, ['U+202D', 'U+2066', 'U+2069']],
    ['zero\u200bwidth\u200c\u200d\ufeff', true, ['U+200B', 'U+200C', 'U+200D', 'U+FEFF']],
    ['soft\u00adhyphen', true, ['U+00AD']],
    ['line\u2028para\u2029', true, ['U+2028', 'U+2029']],
    ['lone \ud800 surrogate', true, ['U+D800']],
  ])('%j (line breaks allowed: %s) -> %j', (text, allowLineBreaks, expected) => {
    expect(forbiddenCharactersIn(text, { allowLineBreaks })).toEqual(expected);
  });

  it('removes them, keeping line breaks where allowed', () => {
    expect(withoutForbiddenCharacters('a\u202eb\nc\u2028', { allowLineBreaks: true })).toBe('ab\nc');
    expect(withoutForbiddenCharacters('a\nb')).toBe('ab');
  });

  it.each<[string, boolean]>([
    ['King’s', true],
    ['  ', false],
    ['\u3000\u00a0', false],
    ['\u0301\u0301', false],
    ['\u3164\u2800', false],
    ['1', true],
    ['–', true],
  ])('%j has a visible character: %s', (text, expected) => {
    expect(hasVisibleCharacter(text)).toBe(expected);
  });
});

describe('displayName', () => {
  const name = displayName({ maxLength: 30 });
  it.each<[string, string[]]>([
    ["King's College", []],
    ['Sidney Sussex – Café’s', []],
    ['  Trimmed  ', []],
    ['', ['must not be empty']],
    ['   ', ['must not be empty']],
    ['x'.repeat(31), ['must be at most 30 characters']],
    ['a\u0000b', ['must not contain control, format or line separator characters (found U+0000)']],
    ['a\tb', ['must not contain control, format or line separator characters (found U+0009)']],
    ['\u202e', ['must not contain control, format or line separator characters (found U+202E)']],
    ['\u200b\u200b', ['must not contain control, format or line separator characters (found U+200B)']],
    ['a\u2028b', ['must not contain control, format or line separator characters (found U+2028)']],
    ['\u0301', ['must contain a visible character']],
    ['\u3164', ['must contain a visible character']],
  ])('%j -> %j', (value, messages) => {
    expect(issues(name.safeParse(value))).toEqual(messages);
  });

  it('returns the trimmed name', () => {
    expect(name.parse('  Trimmed  ')).toBe('Trimmed');
  });
});

describe('plainText', () => {
  it('may be empty, keeps line breaks only when allowed', () => {
    expect(plainText({ maxLength: 10 }).parse('')).toBe('');
    expect(plainText({ maxLength: 10, allowLineBreaks: true }).parse('a\nb')).toBe('a\nb');
    expect(issues(plainText({ maxLength: 10 }).safeParse('a\nb'))).toEqual([
      'must not contain control, format or line separator characters (found U+000A)',
    ]);
    expect(issues(plainText({ maxLength: 3 }).safeParse('abcd'))).toEqual(['must be at most 3 characters']);
  });
});
