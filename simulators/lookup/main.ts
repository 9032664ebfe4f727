// Runs the Lookup simulator on its own: `node dist/simulators/lookup/main.js [--port N] [--seed people.json]`.
// Without --seed it serves the demo people (the same people as the GitLab simulator's demo users).
// LOOKUP_USERNAME/LOOKUP_PASSWORD enable HTTP Basic, LOOKUP_CLIENT_ID/LOOKUP_CLIENT_SECRET enable
// OAuth2 tokens at /oauth2/token; neither: anonymous. SIM_CONTROL_TOKEN, when set, guards /_sim.
import { runSimulatorMain } from '../common/simulator-main.js';
import { demoData } from '../gitlab/generate-users.js';
import { LookupSimulator, type LookupSimulatorOptions } from './lookup.simulator.js';

await runSimulatorMain({
  create: (env) => {
    const options: LookupSimulatorOptions = {};
    if (env['LOOKUP_USERNAME'] !== undefined && env['LOOKUP_PASSWORD'] !== undefined) {
      options.basic = { username: env['LOOKUP_USERNAME'], password: env['LOOKUP_PASSWORD'] };
    }
    if (env['LOOKUP_CLIENT_ID'] !== undefined && env['LOOKUP_CLIENT_SECRET'] !== undefined) {
      options.oauth2 = { clientId: env['LOOKUP_CLIENT_ID'], clientSecret: env['LOOKUP_CLIENT_SECRET'] };
    }
    if (env['SIM_CONTROL_TOKEN']) options.controlToken = env['SIM_CONTROL_TOKEN'];
    return new LookupSimulator(options);
  },
  demoSeed: () => demoData().people,
  describe: (simulator, people) => ({
    apiUrl: simulator.apiUrl,
    tokenUrl: simulator.tokenUrl,
    people: people.length,
    auth: [
      simulator.options.basic ? 'basic' : undefined,
      simulator.options.oauth2 ? 'oauth2' : undefined,
    ].filter(Boolean),
  }),
});
