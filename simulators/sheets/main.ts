// Runs the Sheets simulator on its own: `node dist/simulators/sheets/main.js [--port N] [--seed PATH]`.
// PATH is a folder of <spreadsheetId>.xlsx files (for example data/sheets) or a JSON file
// ({"<spreadsheetId>": {"<worksheet>": [["cell", ...], ...]}}). Without --seed, SHEETS_SIM_DATA_DIR
// (a folder of workbooks) when set, else no spreadsheets. SIM_CONTROL_TOKEN, when set, guards /_sim.
import { stat } from 'node:fs/promises';
import { readSeedFile, runSimulatorMain } from '../common/simulator-main.js';
import { readXlsxSeed, SheetsSimulator, type SheetsSeed } from './sheets.simulator.js';

await runSimulatorMain({
  create: (env) =>
    new SheetsSimulator(env['SIM_CONTROL_TOKEN'] ? { controlToken: env['SIM_CONTROL_TOKEN'] } : {}),
  demoSeed: async (env): Promise<SheetsSeed> => {
    const dir = env['SHEETS_SIM_DATA_DIR'];
    return dir === undefined || dir === '' ? {} : readXlsxSeed(dir);
  },
  async loadSeed(simulator, seedPath) {
    const info = await stat(seedPath).catch(() => undefined);
    return info?.isDirectory() === true ? readXlsxSeed(seedPath) : readSeedFile(simulator, seedPath);
  },
  describe: (_simulator, seed) => ({ spreadsheets: Object.keys(seed) }),
});
