import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Bucket, File, FileMetadata, StorageOptions } from '@google-cloud/storage';
import { lazy } from '../lazy.util.js';
import { assertObjectName, assertObjectPrefix } from './object-name.util.js';
import {
  compareObjectNames,
  ObjectNotFoundError,
  type ObjectStore,
  type PutOptions,
  type StoredObject,
} from './object-store.js';

export interface GcsObjectStoreOptions {
  bucket: string;
  /** Passed to `new Storage(...)` (tests give a local `apiEndpoint` and an `authClient`). */
  storageOptions?: StorageOptions;
}

/**
 * A Cloud Storage bucket through `@google-cloud/storage` (loaded on the first call). Objects are
 * written whole (`resumable: false`: our files are small) without any ACL: the bucket has uniform
 * access and public access prevention (terraform), so an object is readable only by the app's
 * service account, and people read it through the app.
 */
export class GcsObjectStore implements ObjectStore {
  private readonly bucket: () => Promise<Bucket>;

  constructor(options: GcsObjectStoreOptions) {
    this.bucket = lazy(async () => {
      const { Storage } = await import('@google-cloud/storage');
      return new Storage(options.storageOptions).bucket(options.bucket);
    });
  }

  async put(name: string, content: Buffer, options: PutOptions): Promise<StoredObject> {
    const file = await this.file(name);
    await file.save(content, {
      resumable: false,
      contentType: options.contentType,
      metadata: { contentType: options.contentType, metadata: { ...options.metadata } },
    });
    return {
      name,
      size: content.length,
      contentType: options.contentType,
      metadata: { ...options.metadata },
    };
  }

  async putStream(name: string, content: Readable, options: PutOptions): Promise<StoredObject> {
    const file = await this.file(name);
    const metadata = { contentType: options.contentType, metadata: { ...options.metadata } };
    // One streamed multipart request: Cloud Storage makes the object only once the upload completes.
    await pipeline(
      content,
      file.createWriteStream({ resumable: false, contentType: options.contentType, metadata }),
    );
    const [written] = await file.getMetadata();
    return describe(name, written);
  }

  async get(name: string): Promise<{ object: StoredObject; content: Readable }> {
    const file = await this.file(name);
    let metadata: FileMetadata;
    try {
      [metadata] = await file.getMetadata();
    } catch (error) {
      if (statusOf(error) === 404) throw new ObjectNotFoundError(name);
      throw error;
    }
    // Pinned to the generation described, so the content is the one the description is of.
    const pinned = metadata.generation === undefined ? file : await this.file(name, metadata.generation);
    return { object: describe(name, metadata), content: pinned.createReadStream() };
  }

  async exists(name: string): Promise<boolean> {
    const [exists] = await (await this.file(name)).exists();
    return exists;
  }

  async delete(name: string): Promise<boolean> {
    try {
      await (await this.file(name)).delete();
      return true;
    } catch (error) {
      if (statusOf(error) === 404) return false;
      throw error;
    }
  }

  async list(prefix: string): Promise<StoredObject[]> {
    assertObjectPrefix(prefix);
    const [files] = await (await this.bucket()).getFiles({ prefix, autoPaginate: true });
    return files
      .map((file) => describe(file.name, file.metadata))
      .sort((a, b) => compareObjectNames(a.name, b.name));
  }

  private async file(name: string, generation?: string | number): Promise<File> {
    assertObjectName(name);
    const bucket = await this.bucket();
    return generation === undefined ? bucket.file(name) : bucket.file(name, { generation });
  }
}

function describe(
  name: string,
  metadata: { size?: string | number; contentType?: string; metadata?: Record<string, unknown> },
): StoredObject {
  const custom: Record<string, string> = {};
  for (const [key, value] of Object.entries(metadata.metadata ?? {})) {
    if (typeof value === 'string') custom[key] = value;
  }
  return {
    name,
    size: Number(metadata.size ?? 0),
    contentType: metadata.contentType ?? 'application/octet-stream',
    metadata: custom,
  };
}

function statusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'number' ? code : undefined;
}
