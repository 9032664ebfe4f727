// Runs the Sheets simulator on its own: PORT (default: any free port), SHEETS_SIM_DATA_DIR (a folder of
// <spreadsheetId>.xlsx files to serve, for example data/sheets). Prints one JSON line with its URL.
import { SheetsSimulator } from './sheets.simulator.js';

const simulator = new SheetsSimulator();
const dataDir = process.env['SHEETS_SIM_DATA_DIR'];
const spreadsheets = dataDir === undefined || dataDir === '' ? [] : await simulator.loadXlsxDir(dataDir);
const running = await simulator.start(Number(process.env['PORT'] ?? 0));
console.log(JSON.stringify({ simulator: 'sheets', url: running.url, spreadsheets }));

const stop = () => {
  running.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
