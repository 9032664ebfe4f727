import type { Readable } from 'node:stream';

export interface PutOptions {
  /** The object's MIME type, as stored and served (`application/pdf`). */
  contentType: string;
  /** Custom metadata (string values), e.g. who uploaded it. */
  metadata?: Record<string, string>;
}

export interface StoredObject {
  name: string;
  size: number;
  contentType: string;
  metadata: Record<string, string>;
}

/**
 * Where an app keeps files: a Cloud Storage bucket, or a folder locally. Objects are private (no
 * public URL ever): people read them through the app. Names are checked (`objectNameProblem`).
 */
export interface ObjectStore {
  /** Writes the object whole (replacing one of that name); it exists only once completely written. */
  put(name: string, content: Buffer, options: PutOptions): Promise<StoredObject>;
  /**
   * Writes the object from a stream, never holding it whole in memory (database dumps); like `put`,
   * it exists only once completely written, and a failing stream leaves nothing behind.
   */
  putStream(name: string, content: Readable, options: PutOptions): Promise<StoredObject>;
  /** The object's content as a stream, with its description; ObjectNotFoundError when absent. */
  get(name: string): Promise<{ object: StoredObject; content: Readable }>;
  exists(name: string): Promise<boolean>;
  /** Deletes the object; false when there was none. */
  delete(name: string): Promise<boolean>;
  /** The objects whose name starts with `prefix`, sorted by name. */
  list(prefix: string): Promise<StoredObject[]>;
}

/** The order `list()` answers in, the same in every store: by UTF-16 code unit, never by locale. */
export function compareObjectNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Nest injection token for the app's ObjectStore. */
export const OBJECT_STORE = Symbol('OBJECT_STORE');

export class ObjectNotFoundError extends Error {
  constructor(readonly objectName: string) {
    super(`no object named ${JSON.stringify(objectName.slice(0, 200))}`);
    this.name = 'ObjectNotFoundError';
  }
}
