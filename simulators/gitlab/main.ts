// Runs the GitLab simulator on its own with demo data: PORT (default: any free port) and
// GITLAB_TOKEN (the admin token clients must send; a local-only default).
import { demoData } from './generate-users.js';
import { GitLabSimulator } from './gitlab.simulator.js';

const token = process.env['GITLAB_TOKEN'] ?? 'local-gitlab-admin-token';
const simulator = new GitLabSimulator({ token });
const { users, stats } = demoData();
simulator.seed(users);
const running = await simulator.start(Number(process.env['PORT'] ?? 0));
console.log(JSON.stringify({ simulator: 'gitlab', url: running.url, users: stats.users }));

const stop = () => {
  simulator.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
