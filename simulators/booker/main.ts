// Runs the Booker simulator on its own: `node dist/simulators/booker/main.js [--port N] [--seed booker.json]`,
// or with a generated term: `--activities 6000 --rooms 400 --demo-seed 7` (see ../termtime/demo-options.ts).
// Without --seed it serves the demo term's rooms, buildings and bookings made by others (the same
// rooms as the TermTime simulator's). BOOKER_USERNAME/BOOKER_PASSWORD are the account clients sign
// in with (local-only defaults), BOOKER_TOKEN_TTL_SECONDS how long a token lives (default 3600);
// SIM_CONTROL_TOKEN guards /_sim.
import { runSimulatorMain } from '../common/simulator-main.js';
import { demoTerm, TERM_DEMO_OPTIONS } from '../termtime/demo-options.js';
import { BookerSimulator } from './booker.simulator.js';

await runSimulatorMain({
  create: (env) => {
    const ttl = Number(env['BOOKER_TOKEN_TTL_SECONDS'] ?? '3600');
    if (!Number.isInteger(ttl) || ttl < 1)
      throw new Error('BOOKER_TOKEN_TTL_SECONDS must be a whole number of seconds');
    return new BookerSimulator({
      username: env['BOOKER_USERNAME'] ?? 'essm-sync',
      password: env['BOOKER_PASSWORD'] ?? 'local-booker-password',
      tokenTtlMs: ttl * 1000,
      ...(env['SIM_CONTROL_TOKEN'] ? { controlToken: env['SIM_CONTROL_TOKEN'] } : {}),
    });
  },
  demoOptions: TERM_DEMO_OPTIONS,
  demoSeed: (_env, options) => demoTerm(options).booker,
  describe: (_simulator, seed) => ({
    rooms: seed.rooms.length,
    buildings: seed.buildings.length,
    bookings: seed.bookings.length,
  }),
});
