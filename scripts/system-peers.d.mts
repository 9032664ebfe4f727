// Types of scripts/system-peers.mjs.
export interface SystemPeer {
  package: string;
  command: string;
  usedBy: string;
}
export type PeersCheck = { ok: true; skipped: SystemPeer[] } | { ok: false; message: string };
export function systemPeers(): SystemPeer[];
export function findCommand(command: string, env?: NodeJS.ProcessEnv): string | undefined;
export function missingPeers(env?: NodeJS.ProcessEnv): SystemPeer[];
export function installCommand(peers: SystemPeer[]): string;
export function ensureSystemPeers(options?: {
  log?: (line: string) => void;
  allowSkip?: boolean;
  env?: NodeJS.ProcessEnv;
  peers?: SystemPeer[];
  canInstall?: boolean;
}): Promise<PeersCheck>;
