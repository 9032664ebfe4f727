// `npm test`: every test (unit, integration against PostgreSQL, end-to-end through the simulators).
// Uses TEST_DATABASE_URL, else postgresql://postgres@127.0.0.1:5432/postgres, else falls back to the
// embedded database (see libs/db/test-setup/global-setup.mjs). Extra arguments go to Jest.
// First the system test peers (scripts/system-peers.json): installed when this process can (root with
// apt-get), else it stops with the command to run (TEST_SYSTEM_PEERS=skip skips the specs needing them).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureSystemPeers } from './system-peers.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// The whole schema's client and the apps' own (a checkout generated before per-app clients has the
// first only: the apps would run on the whole schema's client).
if (
  !existsSync(path.join(root, 'libs/db/src/generated/client.ts')) ||
  !existsSync(path.join(root, 'libs/db/src/generated/apps'))
) {
  await new Promise((resolve, reject) =>
    spawn(process.execPath, [path.join(root, 'scripts/prisma-generate.mjs')], { stdio: 'inherit' }).on(
      'exit',
      (code) => (code === 0 ? resolve() : reject(new Error('prisma generate failed'))),
    ),
  );
}
const peers = await ensureSystemPeers();
if (!peers.ok) {
  console.error(peers.message);
  process.exit(1);
}
const jest = path.join(root, 'node_modules/jest/bin/jest.js');
// In CI, a test that leaves a handle open (a timed-out start of the embedded database, say) must
// not hold the run until the job's time limit: Jest still reports it ("did not exit"), then exits.
const ciArgs = process.env.CI ? ['--forceExit'] : [];
const child = spawn(process.execPath, [jest, ...ciArgs, ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
  env: {
    ...process.env,
    NODE_OPTIONS: [process.env.NODE_OPTIONS, '--experimental-vm-modules', '--no-warnings=ExperimentalWarning']
      .filter(Boolean)
      .join(' '),
  },
});
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
