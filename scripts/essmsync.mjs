// `npm run essmsync -- -c base.yaml [-c more.yaml] [--really-do-this] [--json] <operation>...`:
// builds if needed and runs essm-sync's command line (dist/apps/essm-sync/cli/essmsync.js), which
// the image carries too. Its exit status is the command's: 0 succeeded, 1 failed, 2 refused or bad usage.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from './build.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
await build({ ifNeeded: true });
const child = spawn(
  process.execPath,
  ['--enable-source-maps', path.join(root, 'dist/apps/essm-sync/cli/essmsync.js'), ...process.argv.slice(2)],
  { stdio: 'inherit' },
);
child.on('exit', (code) => process.exit(code ?? 1));
