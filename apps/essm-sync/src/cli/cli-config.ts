import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ConfigError } from '@app/config';
import { ESSM_SETTINGS, type EssmSyncConfig, loadEssmSyncConfig } from '../config.js';
import { mergeSettings, SettingsFileError, settingsOfFile, withEnvironment } from './yaml-settings.js';

/**
 * The app's settings for a CLI run: the YAML files deep-merged left to right, the environment on
 * top, checked by the app's own schema. Problems name the file and key (or the variable). The CLI
 * serves no HTTP: a token-mode job token it does not need is made up when none is given, and logs
 * stay at `warn` unless LOG_LEVEL says otherwise.
 */
export function loadCliConfig(files: readonly string[], env: NodeJS.ProcessEnv): EssmSyncConfig {
  const names = new Set(ESSM_SETTINGS);
  const parsed = files.map((file) => {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      const code = (error as { code?: string }).code ?? 'unreadable';
      throw new SettingsFileError(`${file}: cannot be read (${code})`);
    }
    return settingsOfFile(file, text, names);
  });
  const settings = withEnvironment(mergeSettings(parsed), env, names);
  const values: Record<string, unknown> = { LOG_LEVEL: 'warn', ...settings.values };
  if ((values.JOB_AUTH_MODE ?? 'token') === 'token' && values.JOB_TOKEN === undefined) {
    values.JOB_TOKEN = randomBytes(24).toString('hex');
  }
  try {
    return loadEssmSyncConfig(values);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const lines = error.problems.map((problem) => {
      // A problem with one entry of a map (`EVENTS_BOOKING_TYPES.Lecture`) names that entry's file.
      const origin =
        settings.origins[problem.variable] ?? settings.origins[problem.variable.split('.')[0] ?? ''];
      const where = origin ?? `${problem.variable} (in no file, nor the environment)`;
      return `  - ${where}: ${problem.message}`;
    });
    throw new SettingsFileError(`invalid settings:\n${lines.join('\n')}`);
  }
}
