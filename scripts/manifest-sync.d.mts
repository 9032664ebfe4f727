// Types of scripts/manifest-sync.mjs.
import type { Manifest } from './manifest.mjs';
export function composeYaml(manifest: Manifest): string;
export function gitlabCi(current: string, manifest: Manifest): string;
export function nestCli(manifest: Manifest, root?: string): string;
export function generatedFiles(root?: string): Promise<{ file: string; expected: string; actual: string }[]>;
