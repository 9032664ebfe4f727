import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { assertSecretRef, SecretNotFoundError, type SecretSource } from './secret-source.js';

export interface LocalSecretSourceOptions {
  /** Secrets given directly (an app's config passes the environment's values it names). */
  values?: Readonly<Record<string, string | undefined>>;
  /** A JSON file `{ "<secret>": "<value>" }` (such as npm start's local secrets), read on each call. */
  file?: string;
}

const fileSchema = z.record(z.string(), z.unknown());

/**
 * Secrets for local runs and tests: from the given values first, then from a JSON file. Only the
 * `latest` version exists locally. Errors name the secret and the file, never a value.
 */
export class LocalSecretSource implements SecretSource {
  constructor(private readonly options: LocalSecretSourceOptions) {}

  async read(secret: string, version = 'latest'): Promise<string> {
    assertSecretRef(secret, version);
    const where =
      this.options.file === undefined ? 'the local settings' : 'the local settings or the secrets file';
    if (version !== 'latest')
      throw new SecretNotFoundError(secret, version, `${where} (only "latest" exists locally)`);
    const given = this.options.values?.[secret];
    if (given !== undefined) return given;
    if (this.options.file !== undefined) {
      const value = (await this.readFile(this.options.file))[secret];
      if (typeof value === 'string') return value;
    }
    throw new SecretNotFoundError(secret, version, where);
  }

  private async readFile(file: string): Promise<Record<string, unknown>> {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      throw new Error('the local secrets file could not be read', { cause: error });
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      // The parser's message may quote the file's content: not passed on.
      throw new Error('the local secrets file is not JSON');
    }
    const parsed = fileSchema.safeParse(json);
    if (!parsed.success) throw new Error('the local secrets file must be a JSON object of secret names');
    return parsed.data;
  }
}
