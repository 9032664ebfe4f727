import { describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ensureSystemPeers, findCommand, installCommand, systemPeers } from './system-peers.mjs';

const exec = promisify(execFile);

/** A peer's test runs when it is installed; otherwise it is skipped, and its name says why. */
function withPeer(command: string) {
  const binary = findCommand(command);
  if (binary !== undefined) return { test: it, binary, why: '' };
  return {
    test: it.skip,
    binary: command,
    why: ` (skipped: ${command} is not installed and npm test could not install it; see scripts/system-peers.json)`,
  };
}

describe('system test peers (scripts/system-peers.json)', () => {
  it('declares each Debian package once, with the command that proves it is there', () => {
    const peers = systemPeers();
    expect(peers.map((peer) => peer.package).sort()).toEqual(['chromium', 'supervisor']);
    expect(new Set(peers.map((peer) => peer.command)).size).toBe(peers.length);
  });

  it('tells a person the exact command for what is missing', () => {
    expect(installCommand(systemPeers())).toBe(
      'sudo apt-get update && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium supervisor',
    );
  });

  it('finds a command on PATH, and nothing where PATH and the system folders have none', () => {
    expect(findCommand('sh')).toMatch(/\/sh$/);
    expect(findCommand('no-such-command-h4-peer')).toBeUndefined();
  });

  const absent = [{ package: 'h4-absent-package', command: 'h4-absent-command', usedBy: 'nothing' }];

  it('where it cannot install, stops with the exact command to run', async () => {
    const result = await ensureSystemPeers({ peers: absent, canInstall: false, env: { PATH: '/nowhere' } });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.message).toContain('h4-absent-package (nothing)');
    expect(result.message).toContain(
      'sudo apt-get update && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends h4-absent-package',
    );
  });

  it('with TEST_SYSTEM_PEERS=skip, lets the tests go on and names what they will skip', async () => {
    const lines: string[] = [];
    const result = await ensureSystemPeers({
      peers: absent,
      canInstall: false,
      env: { PATH: '/nowhere', TEST_SYSTEM_PEERS: 'skip' },
      log: (line) => lines.push(line),
    });
    expect(result).toEqual({ ok: true, skipped: absent });
    expect(lines).toEqual(['TEST_SYSTEM_PEERS=skip: the tests that need h4-absent-command are skipped.']);
  });

  it('with every peer present, neither installs nor logs', async () => {
    const lines: string[] = [];
    const present = [{ package: 'dash', command: 'sh', usedBy: 'shell' }];
    const result = await ensureSystemPeers({ peers: present, canInstall: false, log: (l) => lines.push(l) });
    expect(result).toEqual({ ok: true, skipped: [] });
    expect(lines).toEqual([]);
  });

  const supervisord = withPeer('supervisord');
  supervisord.test(`supervisord runs and reports its version${supervisord.why}`, async () => {
    const { stdout } = await exec(supervisord.binary, ['--version']);
    expect(stdout.trim()).toMatch(/^\d+\.\d+(\.\d+)?$/);
  });

  const chromium = withPeer('chromium');
  chromium.test(`chromium reports its version and renders a page headless${chromium.why}`, async () => {
    const version = await exec(chromium.binary, ['--version']);
    expect(version.stdout).toMatch(/Chromium \d+\./);
    const page = await exec(chromium.binary, [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--dump-dom',
      'data:text/html,<p id="peer">rendered</p>',
    ]);
    expect(page.stdout).toContain('<p id="peer">rendered</p>');
  });
});
