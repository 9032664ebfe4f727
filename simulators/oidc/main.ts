// Runs the OIDC provider on its own: `node dist/simulators/oidc/main.js [--port N] [--seed people.json]`.
// Without --seed it serves the demo people (a researcher, a data manager, an administrator); see
// oidc-main.ts for its settings.
import { runSimulatorMain } from '../common/simulator-main.js';
import { oidcMain } from './oidc-main.js';

await runSimulatorMain(oidcMain);
