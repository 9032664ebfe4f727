/**
 * CSV (RFC 4180) that is safe to open in a spreadsheet: a cell that begins with `=`, `+`, `-`, `@`,
 * a tab or a carriage return would be read as a formula, so it gets a leading apostrophe.
 */
export function csvCell(value: string): string {
  const defused = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(defused) ? `"${defused.replace(/"/g, '""')}"` : defused;
}

export function csvRow(cells: string[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}
