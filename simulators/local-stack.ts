// The simulators `npm start` runs for the local stack, seeded with demo data, on fixed ports so
// that URLs in the README and in curl commands keep working across restarts. Each also runs on its
// own: `node dist/simulators/<name>/main.js --port N [--seed FILE]` (see simulators/README.md).
import type { Simulator } from './common/simulator.js';
import { demoData } from './gitlab/generate-users.js';
import { GitLabSimulator } from './gitlab/gitlab.simulator.js';
import { LookupSimulator } from './lookup/lookup.simulator.js';

export const LOCAL_PORTS = { gitlab: 4101, lookup: 4102 } as const;
/** The Lookup account the local lookup-gitlab-sync uses (scripts/start.mjs sets LOOKUP_USERNAME to it). */
export const LOCAL_LOOKUP_USERNAME = 'local-sync';

export interface LocalSimulators {
  /** `gitlab`: the GitLab instance URL; `lookup`: Lookup's API root including `/api/v1`. */
  urls: Record<string, string>;
  stop(): Promise<void>;
}

/**
 * Starts the GitLab simulator (admin token `secrets.gitlabToken`) and the Lookup simulator (HTTP
 * Basic `local-sync` / `secrets.lookupPassword`) with the same demo people, so that a local sync
 * finds cancelled users, unknown CRSids and inactive externals. `root` is the repository root
 * (kept for simulators that read files; these two need none).
 */
export async function startLocalSimulators({
  secrets,
  portOffset = 0,
}: {
  root: string;
  secrets: { gitlabToken: string; lookupPassword: string };
  /** Added to every port (LOCAL_PORT_OFFSET), so a second stack can run beside the first. */
  portOffset?: number;
}): Promise<LocalSimulators> {
  const { users, people } = demoData();
  const gitlab = new GitLabSimulator({ token: secrets.gitlabToken });
  gitlab.seed(users);
  const lookup = new LookupSimulator({
    basic: { username: LOCAL_LOOKUP_USERNAME, password: secrets.lookupPassword },
  });
  lookup.seed(people);
  const started: Simulator<unknown>[] = [];
  const stop = async () => {
    await Promise.allSettled(started.map((simulator) => simulator.close()));
  };
  try {
    for (const [simulator, port] of [
      [gitlab, LOCAL_PORTS.gitlab],
      [lookup, LOCAL_PORTS.lookup],
    ] as const) {
      await simulator.start(port + portOffset);
      started.push(simulator);
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { urls: { gitlab: gitlab.url, lookup: lookup.apiUrl }, stop };
}
