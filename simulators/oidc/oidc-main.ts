import type { SimulatorMain } from '../common/simulator-main.js';
import { demoPeople, LOCAL_CLIENT_ID, LOCAL_CLIENT_SECRET, localClient } from './demo-people.js';
import { type OidcPerson, OidcSimulator } from './oidc.simulator.js';

/**
 * The standalone provider: the demo people unless `--seed people.json`; one client, `OIDC_CLIENT_ID`
 * / `OIDC_CLIENT_SECRET` (default `local-web` and a local-only secret), registered for the local web
 * apps' callbacks (ports shifted by `LOCAL_PORT_OFFSET`); `SIM_CONTROL_TOKEN` guards `/_sim`.
 */
export const oidcMain: SimulatorMain<OidcSimulator, OidcPerson[]> = {
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
};
