// `npm run bench -- <name> [args]`: builds if needed and runs dist/bench/<name>.bench.js, which
// prints one JSON line with its figures. Benchmarks are not tests: they measure, they do not assert.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from './build.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const [name, ...args] = process.argv.slice(2);
await build({ ifNeeded: true });
const available = readdirSync(path.join(root, 'dist/bench'))
  .filter((f) => f.endsWith('.bench.js'))
  .map((f) => f.replace(/\.bench\.js$/, ''));
if (!name || !available.includes(name)) {
  console.error(`usage: npm run bench -- <name>; available: ${available.join(', ')}`);
  process.exit(2);
}
const file = path.join(root, 'dist/bench', `${name}.bench.js`);
if (!existsSync(file)) process.exit(2);
const child = spawn(process.execPath, ['--enable-source-maps', file, ...args], {
  cwd: root,
  stdio: 'inherit',
});
child.on('exit', (code) => process.exit(code ?? 1));
