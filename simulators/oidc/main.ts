// Runs the OIDC provider on its own: `node dist/simulators/oidc/main.js [--port N] [--seed people.json]`.
// Without --seed it serves the demo people (a researcher, a data manager, an administrator).
// OIDC_CLIENT_ID / OIDC_CLIENT_SECRET name the one client (default `local-web` and a local-only
// secret), registered for the local web apps' callbacks (ports shifted by LOCAL_PORT_OFFSET).
// SIM_CONTROL_TOKEN, when set, guards /_sim.
import { runSimulatorMain } from '../common/simulator-main.js';
import { demoPeople, LOCAL_CLIENT_ID, LOCAL_CLIENT_SECRET, localClient } from './demo-people.js';
import { OidcSimulator } from './oidc.simulator.js';

await runSimulatorMain({
  create: (env) =>
    new OidcSimulator({
      clients: [
        localClient(
          env['OIDC_CLIENT_ID'] ?? LOCAL_CLIENT_ID,
          env['OIDC_CLIENT_SECRET'] ?? LOCAL_CLIENT_SECRET,
          Number(env['LOCAL_PORT_OFFSET'] ?? 0) || 0,
        ),
      ],
      ...(env['SIM_CONTROL_TOKEN'] ? { controlToken: env['SIM_CONTROL_TOKEN'] } : {}),
    }),
  demoSeed: () => demoPeople(),
  describe: (simulator, people) => ({
    issuer: simulator.issuer,
    discovery: `${simulator.issuer}/.well-known/openid-configuration`,
    people: people.map((person) => person.id),
  }),
});
