import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import ExcelJS from 'exceljs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SheetUnreadableError } from './sheet-source.js';
import { validateCollegeSheet } from './validate-sheet.util.js';
import { XlsxFileSource } from './xlsx-file.source.js';

const DEMO_DIR = fileURLToPath(new URL('../../../../data/sheets', import.meta.url));
const check = (raw: Parameters<typeof validateCollegeSheet>[0]) =>
  validateCollegeSheet(raw, { maxPoolSize: 10 });

describe('XlsxFileSource with the demo workbooks', () => {
  const source = new XlsxFileSource(DEMO_DIR);

  it('reads demo-kings: valid, 4 pools, 12 households, 2 contacts', async () => {
    const result = check(await source.read('demo-kings'));
    expect(result.findings).toEqual([]);
    expect(result.sheet.pools.map((pool) => [pool.id, pool.collectionDay, pool.households.length])).toEqual([
      ['Bodleys Court', 'Monday', 3],
      ['Chetwynd Court', 'Tuesday', 3],
      ['Garden Hostel', 'Wednesday', 3],
      ['Spalding Hostel', 'Thursday', 3],
    ]);
    expect(result.sheet.pools[0]?.households[0]).toEqual({
      id: 'BC-A1',
      students: ['kc101', 'kc102', 'kc103'],
    });
    expect(result.sheet.contacts).toHaveLength(2);
  });

  it('reads demo-trinity as the Sheets API would: short rows, blank rows, numbers and formulas as text', async () => {
    const raw = await source.read('demo-trinity');
    const households = raw.worksheets.Households ?? [];
    expect(households[0]).toEqual(['pool', 'HOUSEHOLD', 'student 1', 'Student 2', 'STUDENT 3', 'Room']);
    expect(households[1]).toEqual(['Great Court', '12', 'tc201', 'tc202', 'tc203', 'G12']);
    expect(households[2]).toEqual(['great court', 'GC-14', 'TC204', 'tc205']);
    expect(households[3]).toEqual([]);
    expect(raw.worksheets.Pools?.[1]).toEqual(['friday', 'Great Court', 'Great Court staircases A to M']);
    expect(raw.worksheets.Pools?.[2]).toEqual(['SATURDAY', 'Nevile_Court', 'Nevile Court and New Court']);
    expect(raw.worksheets.Pools?.[3]).toEqual(['', 'Blue Boar']);
  });

  it('validates demo-trinity with only a warning about its extra column', async () => {
    const result = check(await source.read('demo-trinity'));
    expect(result.findings.map((f) => [f.worksheet, f.row, f.column, f.code])).toEqual([
      ['Households', 1, 'Room', 'unknown_column'],
    ]);
    expect(result.hasErrors).toBe(false);
    expect(result.sheet.pools.map((pool) => pool.households.map((household) => household.id))).toEqual([
      ['12', 'GC-14'],
      ['NC-1', 'NC-2'],
      ['BB-1'],
    ]);
  });

  it('finds the errors planted in demo-broken', async () => {
    const result = check(await source.read('demo-broken'));
    expect(result.findings.map((f) => [f.worksheet, f.row, f.column, f.code])).toEqual([
      ['Pools', 2, 'Pool', 'pool_too_large'],
      ['Households', 5, 'Student 2', 'invalid_crsid'],
      ['Households', 7, 'Household', 'duplicate_household'],
      ['Contacts', null, null, 'no_valid_contact'],
      ['Contacts', 2, 'Email', 'empty_required_cell'],
      ['Contacts', 3, 'Email', 'invalid_email'],
    ]);
  });

  it.each(['no-such-sheet', 'demo_missing'])('says a missing spreadsheet %s does not exist', async (id) => {
    const error = await source.read(id).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SheetUnreadableError);
    expect(error).toMatchObject({ spreadsheetId: id, status: 404 });
    expect((error as SheetUnreadableError).reason).toMatch(/^the spreadsheet does not exist/);
  });

  it.each(['../demo-kings', 'demo-kings.xlsx', '/etc/passwd', 'a b', ''])(
    'refuses the spreadsheet id %j',
    async (id) => {
      await expect(source.read(id)).rejects.toMatchObject({
        name: 'SheetUnreadableError',
        reason: expect.stringContaining('not valid'),
      });
    },
  );
});

describe('XlsxFileSource cell text', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'xlsx-source-'));
    const workbook = new ExcelJS.Workbook();
    const cells = workbook.addWorksheet(' pools ');
    cells.getCell('A1').value = 42;
    cells.getCell('B1').value = 3.5;
    cells.getCell('C1').value = 0.1 + 0.2;
    cells.getCell('D1').value = new Date(Date.UTC(2026, 2, 1));
    cells.getCell('E1').value = new Date(Date.UTC(2026, 2, 1, 14, 30));
    cells.getCell('F1').value = true;
    cells.getCell('A2').value = { richText: [{ text: 'Stair', font: { bold: true } }, { text: 'case' }] };
    cells.getCell('B2').value = { formula: 'A1*2', result: 84 };
    cells.getCell('C2').value = { formula: 'NOW()' };
    cells.getCell('D2').value = { text: 'link', hyperlink: 'https://example.org' };
    cells.getCell('E2').value = { error: '#N/A' };
    cells.getCell('A3').value = 'merged';
    cells.mergeCells('A3:C3');
    cells.getCell('A5').value = 'after a blank row';
    cells.getCell('B5').value = '';
    cells.getCell('C5').font = { bold: true };
    cells.getCell('A7').font = { italic: true };
    workbook.addWorksheet('Elsewhere').getCell('A1').value = 'not read';
    await workbook.xlsx.writeFile(path.join(dir, 'cells.xlsx'));
    await writeFile(path.join(dir, 'corrupt.xlsx'), 'this is not a zip file');
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('turns cells into the text the Sheets API gives and leaves out trailing empty cells and rows', async () => {
    const raw = await new XlsxFileSource(dir).read('cells');
    expect(raw.worksheets.Pools).toEqual([
      ['42', '3.5', '0.3', '2026-03-01', '2026-03-01 14:30:00', 'TRUE'],
      ['Staircase', '84', '', 'link', '#N/A'],
      ['merged'],
      [],
      ['after a blank row'],
    ]);
    expect(raw.worksheets.Households).toBeUndefined();
    expect(raw.worksheets.Contacts).toBeUndefined();
  });

  it('says a file that is not a workbook cannot be read', async () => {
    await expect(new XlsxFileSource(dir).read('corrupt')).rejects.toMatchObject({
      name: 'SheetUnreadableError',
      reason: 'the file corrupt.xlsx is not a readable Excel workbook',
    });
  });
});
