import { parseDocument } from 'yaml';

/** A configuration file the CLI cannot use: names the file and, where there is one, the key. */
export class SettingsFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SettingsFileError';
  }
}

export interface YamlSettings {
  /** Setting name -> value (scalars as text, maps kept as maps). */
  values: Record<string, unknown>;
  /** Setting name -> where its value came from (`base.yaml: termtime.url`). */
  origins: Record<string, string>;
}

type Plain = Record<string, unknown>;

function isPlain(value: unknown): value is Plain {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * One file's settings. Keys nest: `termtime: {api_key: ...}` is `TERMTIME_API_KEY`, and a flat
 * `TERMTIME_API_KEY: ...` is the same; a map under a setting that takes one (`events:
 * booking_types: {Lecture: LEC}`) stays a map. A key that names no setting is an error.
 */
export function settingsOfFile(file: string, text: string, settings: ReadonlySet<string>): YamlSettings {
  const document = parseDocument(text, { prettyErrors: true });
  if (document.errors.length > 0) {
    const first = document.errors[0];
    const line = first?.linePos?.[0];
    throw new SettingsFileError(
      `${file}${line === undefined ? '' : ` line ${line.line}`}: not valid YAML (${first?.code ?? 'error'})`,
    );
  }
  const root: unknown = document.toJS();
  if (root === null || root === undefined) return { values: {}, origins: {} };
  if (!isPlain(root)) throw new SettingsFileError(`${file}: must be a map of settings at the top`);
  const result: YamlSettings = { values: {}, origins: {} };
  const walk = (node: Plain, path: string[]) => {
    for (const [key, value] of Object.entries(node)) {
      const keyPath = [...path, key];
      const shown = keyPath.join('.');
      const name = keyPath.join('_').replace(/-/g, '_').toUpperCase();
      if (settings.has(name)) {
        if (value === null || value === undefined) continue;
        result.values[name] = scalarOrMap(value, `${file}: ${shown}`);
        result.origins[name] = `${file}: ${shown}`;
      } else if (isPlain(value)) {
        walk(value, keyPath);
      } else {
        throw new SettingsFileError(`${file}: ${shown} is not a setting of essm-sync`);
      }
    }
  };
  walk(root, []);
  return result;
}

function scalarOrMap(value: unknown, where: string): unknown {
  if (isPlain(value)) return value;
  if (Array.isArray(value)) {
    if (value.every((item) => typeof item === 'string' || typeof item === 'number')) return value.join(',');
    throw new SettingsFileError(`${where} must be a list of texts`);
  }
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  throw new SettingsFileError(`${where} has a value of a kind settings never take`);
}

/** Files deep-merged left to right (a later file's value wins; maps are merged key by key). */
export function mergeSettings(files: readonly YamlSettings[]): YamlSettings {
  const merged: YamlSettings = { values: {}, origins: {} };
  for (const file of files) {
    for (const [name, value] of Object.entries(file.values)) {
      const before = merged.values[name];
      merged.values[name] = isPlain(before) && isPlain(value) ? { ...before, ...value } : value;
      merged.origins[name] = file.origins[name] ?? name;
    }
  }
  return merged;
}

/**
 * The settings the app's schema gets: the files merged, then the environment variables that name a
 * setting on top (they override the files).
 */
export function withEnvironment(
  files: YamlSettings,
  env: Readonly<Record<string, string | undefined>>,
  settings: ReadonlySet<string>,
): YamlSettings {
  const values = { ...files.values };
  const origins = { ...files.origins };
  for (const [name, value] of Object.entries(env)) {
    if (!settings.has(name) || value === undefined || value === '') continue;
    values[name] = value;
    origins[name] = `environment variable ${name}`;
  }
  return { values, origins };
}
