import { findCommand } from '../../../scripts/system-peers.mjs';
import {
  ELLA_PROGRAMS,
  FAILING_PROGRAM,
  freePort,
  spawnSupervisord,
} from '../../../simulators/ella/supervisord.js';
import { SupervisorClient } from '../src/supervisor/supervisor.client.js';

export { freePort };
export const PROGRAMS = ELLA_PROGRAMS;
export const FAILING = FAILING_PROGRAM;

export interface TestSupervisord {
  /** The XML-RPC endpoint. */
  url: string;
  username: string;
  password: string;
  /** A client with the right credentials (for arranging and checking). */
  client: SupervisorClient;
  /** Waits until every stand-in is RUNNING (or STOPPED without autostart) and the failing one is FATAL. */
  settled(): Promise<void>;
  close(): Promise<void>;
}

/** Whether Debian's supervisord is installed (scripts/system-peers.json); specs skip without it. */
export const supervisordInstalled = findCommand('supervisord') !== undefined;

/** Polls `check` until it holds, up to `limitMs`: the condition is what the test waits for, not a time. */
export async function waitFor(what: string, check: () => Promise<boolean>, limitMs = 15_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A real supervisord with ELLA's stand-in programs (simulators/ella/supervisord.ts), answering. */
export async function startSupervisord(options: { autostart?: boolean } = {}): Promise<TestSupervisord> {
  const autostart = options.autostart ?? true;
  const running = await spawnSupervisord({
    autostart,
    username: 'ella-ops',
    password: `pw-${Math.random().toString(36).slice(2)}`,
  });
  const client = new SupervisorClient({
    instance: 'test',
    url: running.url,
    username: running.username,
    password: running.password,
    timeoutMs: 15_000,
  });
  try {
    await waitFor('supervisord to answer', async () => (await client.getState()).statename === 'RUNNING');
  } catch (error) {
    await running.close();
    throw error;
  }
  const settled = () =>
    waitFor('the programs to settle', async () => {
      const all = await client.getAllProcessInfo();
      return all.every((p) =>
        p.name === FAILING ? p.statename === 'FATAL' : p.statename === (autostart ? 'RUNNING' : 'STOPPED'),
      );
    });
  return { ...running, client, settled };
}
