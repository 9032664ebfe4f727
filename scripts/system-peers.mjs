// The Debian packages some tests need as real peers (scripts/system-peers.json): find them, and
// install the missing ones when this process may (root with apt-get), time-bound and quiet.
// `node scripts/system-peers.mjs` installs or fails with the command to run (.ci/run);
// `npm test` calls `ensureSystemPeers()` before Jest.
import { spawn } from 'node:child_process';
import { accessSync, constants, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

/** @returns {{ package: string, command: string, usedBy: string }[]} */
export function systemPeers() {
  return JSON.parse(readFileSync(path.join(here, 'system-peers.json'), 'utf8')).peers;
}

/** The absolute path of an executable on PATH (or in /usr/bin, /usr/sbin), else undefined. */
export function findCommand(command, env = process.env) {
  const dirs = [...(env.PATH ?? '').split(path.delimiter), '/usr/bin', '/usr/sbin', '/bin'];
  for (const dir of dirs.filter(Boolean)) {
    const candidate = path.join(dir, command);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** The peers whose command is not installed. */
export function missingPeers(env = process.env) {
  return systemPeers().filter((peer) => findCommand(peer.command, env) === undefined);
}

/** The command a person runs to install the given peers. */
export function installCommand(peers) {
  const names = peers.map((peer) => peer.package).join(' ');
  return `sudo apt-get update && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${names}`;
}

// Each apt-get step is bounded: a machine without a reachable mirror gets an answer, not a hang.
const UPDATE_TIMEOUT_MS = 5 * 60_000;
const INSTALL_TIMEOUT_MS = 15 * 60_000;
const APT_OPTIONS = [
  '-qq',
  '-o',
  'Acquire::http::Timeout=30',
  '-o',
  'Acquire::Retries=1',
  '-o',
  'DPkg::Lock::Timeout=300',
];

/** Runs a command quietly with a time limit; resolves { ok, output, timedOut }. */
function run(command, args, timeoutMs) {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive', NEEDRESTART_MODE: 'a' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const keep = (chunk) => {
      output = (output + chunk.toString()).slice(-4000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGTERM');
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve({ ok: false, output: `${output}\n${error.message}`, timedOut });
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ ok: code === 0 && !timedOut, output, timedOut });
    });
  });
}

function lastLines(text, count = 8) {
  return text.trim().split('\n').slice(-count).join('\n');
}

/**
 * Installs the missing peers with apt-get (once: an installed peer is found and skipped). Tries the
 * package lists as they are first, then after `apt-get update`. Returns { ok, seconds, message }.
 */
async function installWithApt(peers, log) {
  const packages = peers.map((peer) => peer.package);
  const install = ['install', '-y', '--no-install-recommends', ...APT_OPTIONS, ...packages];
  const started = Date.now();
  log(`Installing the system test peers ${packages.join(', ')} with apt-get (once)...`);
  let result = await run('apt-get', install, INSTALL_TIMEOUT_MS);
  if (!result.ok && !result.timedOut) {
    const update = await run('apt-get', ['update', ...APT_OPTIONS], UPDATE_TIMEOUT_MS);
    if (!update.ok) {
      const why = update.timedOut ? `no answer within ${UPDATE_TIMEOUT_MS / 60_000} minutes` : 'it failed';
      return { ok: false, message: `apt-get update: ${why}:\n${lastLines(update.output)}` };
    }
    result = await run('apt-get', install, INSTALL_TIMEOUT_MS);
  }
  const seconds = Math.round((Date.now() - started) / 1000);
  if (!result.ok) {
    const why = result.timedOut ? `not done within ${INSTALL_TIMEOUT_MS / 60_000} minutes` : 'it failed';
    return { ok: false, message: `apt-get install: ${why}:\n${lastLines(result.output)}` };
  }
  const still = peers.filter((peer) => findCommand(peer.command) === undefined);
  if (still.length > 0) {
    return {
      ok: false,
      message: `apt-get installed the packages but ${still.map((p) => p.command).join(', ')} is still not found`,
    };
  }
  return { ok: true, message: `Installed ${packages.join(', ')} in ${seconds} s.` };
}

function canUseApt() {
  return process.platform === 'linux' && process.getuid?.() === 0 && findCommand('apt-get') !== undefined;
}

/**
 * Makes sure every system peer is installed. Returns { ok: true, skipped: [] } when all are there
 * (installing them if it can), { ok: true, skipped } when TEST_SYSTEM_PEERS=skip lets tests go on
 * without them, and { ok: false, message } with the exact command to run otherwise. `peers` and
 * `canInstall` are for its own spec.
 */
export async function ensureSystemPeers({
  log = (line) => console.log(line),
  allowSkip = true,
  env = process.env,
  peers = systemPeers(),
  canInstall = canUseApt(),
} = {}) {
  const missing = peers.filter((peer) => findCommand(peer.command, env) === undefined);
  if (missing.length === 0) return { ok: true, skipped: [] };
  const what = missing.map((peer) => `${peer.package} (${peer.usedBy})`).join('; ');
  if (allowSkip && env.TEST_SYSTEM_PEERS === 'skip') {
    log(
      `TEST_SYSTEM_PEERS=skip: the tests that need ${missing.map((p) => p.command).join(', ')} are skipped.`,
    );
    return { ok: true, skipped: missing };
  }
  if (canInstall) {
    const result = await installWithApt(missing, log);
    if (result.ok) {
      log(result.message);
      return { ok: true, skipped: [] };
    }
    return {
      ok: false,
      message: `Could not install the system test peers (${what}). ${result.message}\nInstall them with:\n  ${installCommand(missing)}`,
    };
  }
  return {
    ok: false,
    message:
      `Some tests need Debian packages that are not installed: ${what}.\n` +
      `Install them once (this process is not root with apt-get, so it cannot) with:\n  ${installCommand(missing)}\n` +
      'or run TEST_SYSTEM_PEERS=skip npm test to skip the tests that need them.',
  };
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const result = await ensureSystemPeers({ allowSkip: false });
  if (!result.ok) {
    console.error(result.message);
    process.exit(1);
  }
  if (result.skipped.length === 0) console.log('System test peers: all installed.');
}
