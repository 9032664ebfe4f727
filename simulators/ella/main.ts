// Runs the ELLA simulator on its own: `node dist/simulators/ella/main.js [--port N] [--seed seed.json]`
// (see ella-main.ts): the demo ELLA database, the demo instances' supervisords, ELLA's API, one port.
import { runSimulatorMain } from '../common/simulator-main.js';
import { ellaMain } from './ella-main.js';

await runSimulatorMain(ellaMain);
