// Writes the example College workbooks to data/sheets/ (or the folder given as the first argument).
// Run from the repository root: `npx node simulators/sheets/make-demo-workbooks.ts` (Node 24 runs
// TypeScript by stripping types). The .xlsx files it writes are committed; rerun it after changing it.
import ExcelJS from 'exceljs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';

type Cell = ExcelJS.CellValue;
type Worksheets = Record<string, Cell[][]>;

const FIXED_DATE = new Date(Date.UTC(2026, 0, 5));

async function writeWorkbook(dir: string, id: string, worksheets: Worksheets): Promise<void> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'covid-pool demo';
  workbook.created = FIXED_DATE;
  workbook.modified = FIXED_DATE;
  for (const [title, rows] of Object.entries(worksheets)) {
    const worksheet = workbook.addWorksheet(title);
    rows.forEach((row, index) => {
      // Rows are placed by number so that an empty array leaves a blank row, as in a real sheet.
      const sheetRow = worksheet.getRow(index + 1);
      row.forEach((value, column) => {
        if (value !== null && value !== '') sheetRow.getCell(column + 1).value = value;
      });
      sheetRow.commit();
    });
    worksheet.getRow(1).font = { bold: true };
  }
  await workbook.xlsx.writeFile(path.join(dir, `${id}.xlsx`));
}

/** King's: valid; 4 pools, 12 households, 2 contacts, columns in the documented order. */
const kings: Worksheets = {
  Pools: [
    ['Pool', 'Description', 'Collection day'],
    ['Bodleys Court', 'Bodleys Court staircases A to F', 'Monday'],
    ['Chetwynd Court', 'Chetwynd Court and Keynes Building', 'Tuesday'],
    ['Garden Hostel', 'Garden Hostel, all floors', 'Wednesday'],
    ['Spalding Hostel', null, 'Thursday'],
  ],
  Households: [
    ['Household', 'Pool', 'Student 1', 'Student 2', 'Student 3', 'Student 4'],
    ['BC-A1', 'Bodleys Court', 'kc101', 'kc102', 'kc103'],
    ['BC-A2', 'Bodleys Court', 'kc104', 'kc105'],
    ['BC-B1', 'Bodleys Court', 'kc106', 'kc107', 'kc108', 'kc109'],
    ['CC-1', 'Chetwynd Court', 'kc110', 'kc111'],
    ['CC-2', 'Chetwynd Court', 'kc112', 'kc113', 'kc114'],
    ['CC-3', 'Chetwynd Court', 'kc115'],
    ['GH-G', 'Garden Hostel', 'kc116', 'kc117', 'kc118'],
    ['GH-1', 'Garden Hostel', 'kc119', 'kc120', 'kc121', 'kc122'],
    ['GH-2', 'Garden Hostel', 'kc123', 'kc124'],
    ['SH-1', 'Spalding Hostel', 'kc125', 'kc126', 'kc127'],
    ['SH-2', 'Spalding Hostel', 'kc128', 'kc129'],
    ['SH-3', 'Spalding Hostel', 'kc130', 'kc131', 'kc132'],
  ],
  Contacts: [
    ['Name', 'Email'],
    ['Domestic Bursar', 'domestic.bursar@kings.example.ac.uk'],
    ['Senior Tutor', 'senior.tutor@kings.example.ac.uk'],
  ],
};

/**
 * Trinity: valid, written differently: columns in another order and case, an extra column
 * (reported as a warning), short rows, a blank row, a household number typed as a number, a
 * description from a formula and one in rich text.
 */
const trinity: Worksheets = {
  Pools: [
    ['collection DAY', ' POOL ', 'description'],
    [
      'friday',
      'Great Court',
      { formula: '"Great Court staircases "&"A to M"', result: 'Great Court staircases A to M' },
    ],
    [
      'SATURDAY',
      'Nevile_Court',
      { richText: [{ text: 'Nevile Court ', font: { bold: true } }, { text: 'and New Court' }] },
    ],
    [null, 'Blue Boar'],
  ],
  Households: [
    ['pool', 'HOUSEHOLD', 'student 1', 'Student 2', 'STUDENT 3', 'Room'],
    ['Great Court', 12, 'tc201', 'tc202', 'tc203', 'G12'],
    ['great court', 'GC-14', 'TC204', 'tc205'],
    [],
    ['Nevile_Court', 'NC-1', 'tc206'],
    ['Nevile_Court', 'NC-2', 'tc207', 'tc208', 'tc209', 'N2'],
    ['Blue Boar', 'BB-1', 'tc210', 'tc211'],
  ],
  Contacts: [
    ['EMAIL', 'name'],
    ['covid.pools@trinity.example.ac.uk', 'Head Porter'],
  ],
};

/** A sheet with several errors: a duplicate household, a pool of 11, a bad CRSid, contacts without a valid email. */
const broken: Worksheets = {
  Pools: [
    ['Pool', 'Description', 'Collection day'],
    ['Old Court', 'Old Court, all staircases', 'Monday'],
    ['Memorial Court', null, 'Wednesday'],
  ],
  Households: [
    ['Household', 'Pool', 'Student 1', 'Student 2', 'Student 3', 'Student 4'],
    ['OC-1', 'Old Court', 'cc301', 'cc302', 'cc303', 'cc304'],
    ['OC-2', 'Old Court', 'cc305', 'cc306', 'cc307'],
    ['OC-3', 'Old Court', 'cc308', 'cc309', 'cc310', 'cc311'],
    ['MC-1', 'Memorial Court', 'cc312', 'CC 313'],
    ['MC-2', 'Memorial Court', 'cc314'],
    ['MC-1', 'Memorial Court', 'cc315'],
  ],
  Contacts: [
    ['Name', 'Email'],
    ['Domestic Bursar', null],
    ['Tutorial Office', 'tutorial office at clare'],
  ],
};

const dir = path.resolve(process.argv[2] ?? 'data/sheets');
await mkdir(dir, { recursive: true });
await writeWorkbook(dir, 'demo-kings', kings);
await writeWorkbook(dir, 'demo-trinity', trinity);
await writeWorkbook(dir, 'demo-broken', broken);
console.log(
  `wrote demo-kings.xlsx, demo-trinity.xlsx and demo-broken.xlsx to ${path.relative(process.cwd(), dir) || '.'}`,
);
