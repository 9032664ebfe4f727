// Types of scripts/manifest.mjs, for the TypeScript that reads the manifest (specs, benchmarks).
export interface ManifestJob {
  name: string;
  schedule: string;
  description?: string;
  attemptDeadlineSeconds?: number;
  retryCount?: number;
}
export interface ManifestApp {
  name: string;
  port: number;
  summary: string;
  simulators: string[];
  localEnv?: Record<string, string>;
  demoEnv?: Record<string, string>;
  jobs: ManifestJob[];
}
export interface ManifestSimulator {
  port: number;
  path?: string;
  env?: Record<string, string>;
}
export interface Manifest {
  apps: ManifestApp[];
  simulators: Record<string, ManifestSimulator>;
}
export interface PlaceholderContext {
  root: string;
  secrets?: Record<string, string>;
  simulatorUrls?: Record<string, string>;
}
export const repositoryRoot: string;
export const manifestFile: string;
export class ManifestError extends Error {}
export function checkManifest(manifest: unknown, where?: string): Manifest;
export function loadManifest(file?: string): Manifest;
export function fillPlaceholders(value: string, context: PlaceholderContext, where?: string): string;
export function fillEnv(
  env: Record<string, string> | undefined,
  context: PlaceholderContext,
  where: string,
): Record<string, string>;
