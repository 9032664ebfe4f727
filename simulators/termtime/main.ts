// Runs the TermTime simulator on its own: `node dist/simulators/termtime/main.js [--port N] [--seed term.json]`,
// or with a generated term: `--activities 6000 --rooms 400 --demo-seed 7` (see demo-options.ts).
// Without --seed it serves the demo term (the same rooms and buildings as the Booker simulator's).
// TERMTIME_API_KEY is the key clients must send (20 letters and digits; a local-only default),
// TERMTIME_READONLY_KEY an optional key whose writes are refused; SIM_CONTROL_TOKEN guards /_sim.
import { runSimulatorMain } from '../common/simulator-main.js';
import { demoTerm, TERM_DEMO_OPTIONS } from './demo-options.js';
import { TermTimeSimulator } from './termtime.simulator.js';

const LOCAL_TERMTIME_API_KEY = 'LocalTermTimeKey0001';

await runSimulatorMain({
  create: (env) =>
    new TermTimeSimulator({
      apiKey: env['TERMTIME_API_KEY'] ?? LOCAL_TERMTIME_API_KEY,
      ...(env['TERMTIME_READONLY_KEY'] ? { readOnlyKey: env['TERMTIME_READONLY_KEY'] } : {}),
      ...(env['SIM_CONTROL_TOKEN'] ? { controlToken: env['SIM_CONTROL_TOKEN'] } : {}),
    }),
  demoOptions: TERM_DEMO_OPTIONS,
  demoSeed: (_env, options) => demoTerm(options).termtime,
  describe: (simulator, seed) => ({
    apiUrl: `${simulator.url}/v1/api`,
    activities: seed.activities.length,
    events: seed.activities.reduce((sum, activity) => sum + activity.events.length, 0),
    rooms: seed.rooms.length,
  }),
});
