import { createReadStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { assertObjectName, assertObjectPrefix } from './object-name.util.js';
import {
  compareObjectNames,
  ObjectNotFoundError,
  type ObjectStore,
  type PutOptions,
  type StoredObject,
} from './object-store.js';

const descriptionSchema = z.object({
  contentType: z.string(),
  metadata: z.record(z.string(), z.string()),
});

/**
 * A bucket as a folder, for local runs and tests: `<root>/objects/<name>` holds the content and
 * `<root>/meta/<name>.json` its content type and metadata. Files are readable by their owner only
 * (0600; "never public"), written to a temporary file and renamed, so an object exists only whole.
 * Names are checked before any path is made, and the path is checked to stay inside the folder.
 * Unlike a bucket, a folder cannot hold both `a` and `a/b`: the second put fails (ENOTDIR/EISDIR).
 */
export class LocalFolderStore implements ObjectStore {
  private readonly objects: string;
  private readonly meta: string;

  constructor(root: string) {
    const folder = path.resolve(root);
    this.objects = path.join(folder, 'objects');
    this.meta = path.join(folder, 'meta');
  }

  async put(name: string, content: Buffer, options: PutOptions): Promise<StoredObject> {
    const file = this.pathOf(this.objects, name);
    const metaFile = this.pathOf(this.meta, name) + '.json';
    const description = { contentType: options.contentType, metadata: { ...options.metadata } };
    await Promise.all([
      mkdir(path.dirname(file), { recursive: true, mode: 0o700 }),
      mkdir(path.dirname(metaFile), { recursive: true, mode: 0o700 }),
    ]);
    await writeWhole(metaFile, JSON.stringify(description));
    await writeWhole(file, content);
    return { name, size: content.length, ...description };
  }

  async putStream(name: string, content: Readable, options: PutOptions): Promise<StoredObject> {
    const file = this.pathOf(this.objects, name);
    const metaFile = this.pathOf(this.meta, name) + '.json';
    const description = { contentType: options.contentType, metadata: { ...options.metadata } };
    await Promise.all([
      mkdir(path.dirname(file), { recursive: true, mode: 0o700 }),
      mkdir(path.dirname(metaFile), { recursive: true, mode: 0o700 }),
    ]);
    await writeWhole(metaFile, JSON.stringify(description));
    await writeWhole(file, content);
    return { name, size: (await stat(file)).size, ...description };
  }

  async get(name: string): Promise<{ object: StoredObject; content: Readable }> {
    const object = await this.describe(name);
    return { object, content: createReadStream(this.pathOf(this.objects, name)) };
  }

  async exists(name: string): Promise<boolean> {
    try {
      return (await stat(this.pathOf(this.objects, name))).isFile();
    } catch (error) {
      if (isMissing(error)) return false;
      throw error;
    }
  }

  async delete(name: string): Promise<boolean> {
    const existed = await this.exists(name);
    await rm(this.pathOf(this.objects, name), { force: true });
    await rm(this.pathOf(this.meta, name) + '.json', { force: true });
    return existed;
  }

  async list(prefix: string): Promise<StoredObject[]> {
    assertObjectPrefix(prefix);
    let entries: string[];
    try {
      entries = await readdir(this.objects, { recursive: true });
    } catch (error) {
      if (isMissing(error)) return [];
      throw error;
    }
    const names = entries
      .map((entry) => entry.split(path.sep).join('/'))
      .filter((name) => name.startsWith(prefix) && !name.split('/').pop()?.startsWith('.tmp-'))
      .sort(compareObjectNames);
    const found: StoredObject[] = [];
    for (const name of names) {
      if (!(await stat(this.pathOf(this.objects, name))).isFile()) continue;
      found.push(await this.describe(name));
    }
    return found;
  }

  /** An object is a file with its description; a folder (made by a longer name) or a lone file is not. */
  private async describe(name: string): Promise<StoredObject> {
    let size: number;
    let text: string;
    try {
      const info = await stat(this.pathOf(this.objects, name));
      if (!info.isFile()) throw new ObjectNotFoundError(name);
      size = info.size;
      text = await readFile(this.pathOf(this.meta, name) + '.json', 'utf8');
    } catch (error) {
      if (isMissing(error)) throw new ObjectNotFoundError(name);
      throw error;
    }
    const description = descriptionSchema.parse(JSON.parse(text));
    return { name, size, ...description };
  }

  /** The file of an object: its name checked, and the result checked to be inside `base`. */
  private pathOf(base: string, name: string): string {
    assertObjectName(name);
    const file = path.resolve(base, ...name.split('/'));
    if (!file.startsWith(base + path.sep)) throw new Error('object name resolves outside the store');
    return file;
  }
}

async function writeWhole(file: string, content: Buffer | string | Readable): Promise<void> {
  const temporary = path.join(path.dirname(file), `.tmp-${randomUUID()}`);
  try {
    await writeFile(temporary, content, { mode: 0o600 });
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

function isMissing(error: unknown): boolean {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  // ENOTDIR: a segment of the name is a file (`a` stored, `a/b` asked for).
  return code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR';
}
