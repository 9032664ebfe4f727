// Runs the Lookup simulator on its own with demo data (the same people as the GitLab simulator's
// demo users). PORT (default: any free port); LOOKUP_USERNAME/LOOKUP_PASSWORD enable HTTP Basic,
// LOOKUP_CLIENT_ID/LOOKUP_CLIENT_SECRET enable OAuth2 tokens at /oauth2/token. Neither: anonymous.
import { demoData } from '../gitlab/generate-users.js';
import { LookupSimulator, type LookupSimulatorOptions } from './lookup.simulator.js';

const env = process.env;
const options: LookupSimulatorOptions = {};
if (env['LOOKUP_USERNAME'] !== undefined && env['LOOKUP_PASSWORD'] !== undefined) {
  options.basic = { username: env['LOOKUP_USERNAME'], password: env['LOOKUP_PASSWORD'] };
}
if (env['LOOKUP_CLIENT_ID'] !== undefined && env['LOOKUP_CLIENT_SECRET'] !== undefined) {
  options.oauth2 = { clientId: env['LOOKUP_CLIENT_ID'], clientSecret: env['LOOKUP_CLIENT_SECRET'] };
}
const simulator = new LookupSimulator(options);
const { people } = demoData();
simulator.seed(people);
const running = await simulator.start(Number(env['PORT'] ?? 0));
console.log(
  JSON.stringify({
    simulator: 'lookup',
    url: running.url,
    apiUrl: simulator.apiUrl,
    tokenUrl: simulator.tokenUrl,
    people: people.length,
    auth: [options.basic ? 'basic' : undefined, options.oauth2 ? 'oauth2' : undefined].filter(Boolean),
  }),
);

const stop = () => {
  simulator.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
