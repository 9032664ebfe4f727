import { describe, expect, it } from '@jest/globals';
import { csvCell, csvRow } from './csv.util.js';

describe('csvCell', () => {
  it.each([
    ['plain', 'plain'],
    ['=HYPERLINK("x")', `"'=HYPERLINK(""x"")"`],
    ['+1', "'+1"],
    ['-2', "'-2"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tcmd', "'\tcmd"],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['line\nbreak', '"line\nbreak"'],
    ['', ''],
    ['mid=dle', 'mid=dle'],
    ['\rcmd', `"'\rcmd"`],
    ['\uFF1DHYPERLINK("x")', `"'\uFF1DHYPERLINK(""x"")"`],
    ['\uFF0B1', "'\uFF0B1"],
    ['\uFF0D2', "'\uFF0D2"],
    ['\uFF20SUM(A1)', "'\uFF20SUM(A1)"],
    ['\uFE66cmd', "'\uFE66cmd"],
    ['\uFE62cmd', "'\uFE62cmd"],
    ['\uFE63cmd', "'\uFE63cmd"],
    ['\uFE6Bcmd', "'\uFE6Bcmd"],
    ['a\uFF1Db', 'a\uFF1Db'],
  ])('%j -> %j', (input, expected) => {
    expect(csvCell(input)).toBe(expected);
  });

  it('ends rows with CRLF', () => {
    expect(csvRow(['a', '=b'])).toBe("a,'=b\r\n");
  });
});
