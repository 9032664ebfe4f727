// Runs the CUFS simulator on its own: `node dist/simulators/cufs/main.js [--port N] [--seed data.json]`.
// Without --seed it serves the demo data (simulators/cufs/demo-data.ts). CUFS_USERNAME/CUFS_PASSWORD
// enable HTTP Basic, CUFS_CLIENT_ID/CUFS_CLIENT_SECRET enable OAuth2 tokens at /oauth/token
// (CUFS_TOKEN_LIFETIME_SECONDS, default 3600); neither: anonymous. SIM_CONTROL_TOKEN, when set, guards /_sim.
import { runSimulatorMain } from '../common/simulator-main.js';
import { CufsSimulator, type CufsSimulatorOptions } from './cufs.simulator.js';
import { demoCufsData } from './demo-data.js';

await runSimulatorMain({
  create: (env) => {
    const options: CufsSimulatorOptions = {};
    if (env['CUFS_USERNAME'] !== undefined && env['CUFS_PASSWORD'] !== undefined) {
      options.basic = { username: env['CUFS_USERNAME'], password: env['CUFS_PASSWORD'] };
    }
    if (env['CUFS_CLIENT_ID'] !== undefined && env['CUFS_CLIENT_SECRET'] !== undefined) {
      const lifetime = Number(env['CUFS_TOKEN_LIFETIME_SECONDS'] ?? 3600);
      if (!Number.isInteger(lifetime) || lifetime < 1) {
        throw new Error('CUFS_TOKEN_LIFETIME_SECONDS must be a whole number of seconds, 1 or more');
      }
      options.oauth2 = {
        clientId: env['CUFS_CLIENT_ID'],
        clientSecret: env['CUFS_CLIENT_SECRET'],
        tokenLifetimeSeconds: lifetime,
      };
    }
    if (env['SIM_CONTROL_TOKEN']) options.controlToken = env['SIM_CONTROL_TOKEN'];
    return new CufsSimulator(options);
  },
  demoSeed: () => demoCufsData(),
  describe: (simulator, seed) => ({
    apiUrl: simulator.apiUrl,
    tokenUrl: simulator.tokenUrl,
    values: seed.values.length,
    projects: seed.projects.length,
    purchaseOrders: seed.purchaseOrders.length,
    auth: [
      simulator.options.basic ? 'basic' : undefined,
      simulator.options.oauth2 ? 'oauth2' : undefined,
    ].filter(Boolean),
  }),
});
