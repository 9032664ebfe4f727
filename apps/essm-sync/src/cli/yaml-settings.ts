import { parseDocument, visit } from 'yaml';

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
  /**
   * Setting name -> where its value came from (`base.yaml: termtime.url`); for a map, also each
   * entry's own (`EVENTS_BOOKING_TYPES.Lecture` -> `base.yaml: events.booking_types.Lecture`), as
   * maps are merged entry by entry from several files.
   */
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
  // A number is kept as written: settings are texts (`0042` is a department code, not 42; a key
  // of digits must not lose its leading zeros or its last digits to a float).
  visit(document, {
    Scalar(_key, node) {
      if (typeof node.value === 'number') node.value = node.source ?? String(node.value);
    },
  });
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
        if (isPlain(value)) {
          for (const entry of Object.keys(value))
            result.origins[`${name}.${entry}`] = `${file}: ${shown}.${entry}`;
        }
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
  if (typeof value === 'boolean') return String(value);
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  throw new SettingsFileError(`${where} has a value of a kind settings never take`);
}

/** The origins of a map's entries (`NAME.<entry>`), dropped when the setting's value is replaced. */
function dropEntryOrigins(origins: Record<string, string>, name: string): void {
  for (const key of Object.keys(origins)) if (key.startsWith(`${name}.`)) delete origins[key];
}

/**
 * Files deep-merged left to right (a later file's value wins; maps are merged key by key, each entry
 * keeping the file it came from, and the map as a whole naming every file that gave entries).
 */
export function mergeSettings(files: readonly YamlSettings[]): YamlSettings {
  const merged: YamlSettings = { values: {}, origins: {} };
  for (const file of files) {
    for (const [name, value] of Object.entries(file.values)) {
      const before = merged.values[name];
      const origin = file.origins[name] ?? name;
      if (isPlain(before) && isPlain(value)) {
        merged.values[name] = { ...before, ...value };
        merged.origins[name] = `${merged.origins[name] ?? name} and ${origin}`;
      } else {
        merged.values[name] = value;
        merged.origins[name] = origin;
        dropEntryOrigins(merged.origins, name);
      }
      for (const [key, entryOrigin] of Object.entries(file.origins)) {
        if (key.startsWith(`${name}.`)) merged.origins[key] = entryOrigin;
      }
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
    dropEntryOrigins(origins, name);
  }
  return { values, origins };
}
