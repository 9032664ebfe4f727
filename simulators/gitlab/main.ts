// Runs the GitLab simulator on its own: `node dist/simulators/gitlab/main.js [--port N] [--seed users.json]`.
// Without --seed it serves the demo users (the same people as the Lookup simulator's demo data).
// GITLAB_TOKEN is the admin token clients must send (a local-only default); SIM_CONTROL_TOKEN, when
// set, guards the /_sim control routes.
import { runSimulatorMain } from '../common/simulator-main.js';
import { demoData } from './generate-users.js';
import { GitLabSimulator } from './gitlab.simulator.js';

await runSimulatorMain({
  create: (env) =>
    new GitLabSimulator({
      token: env['GITLAB_TOKEN'] ?? 'local-gitlab-admin-token',
      ...(env['SIM_CONTROL_TOKEN'] ? { controlToken: env['SIM_CONTROL_TOKEN'] } : {}),
    }),
  demoSeed: () => demoData().users,
  describe: (_simulator, users) => ({ users: users.length }),
});
