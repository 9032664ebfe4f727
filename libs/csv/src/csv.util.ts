/**
 * Characters that make a spreadsheet read a cell as a formula when the cell starts with them:
 * `=`, `+`, `-`, `@`, tab and carriage return, and the fullwidth and small variants of the first four
 * (`＝` `＋` `－` `＠`, `﹦` `﹢` `﹣` `﹫`), which some spreadsheets fold to their ASCII forms (CWE-1236).
 */
const FORMULA_START = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20\uFE66\uFE62\uFE63\uFE6B]/;

/**
 * CSV (RFC 4180) that is safe to open in a spreadsheet: a cell that begins with a formula starter
 * (see {@link FORMULA_START}) gets a leading apostrophe.
 */
export function csvCell(value: string): string {
  const defused = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(defused) ? `"${defused.replace(/"/g, '""')}"` : defused;
}

export function csvRow(cells: string[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}
