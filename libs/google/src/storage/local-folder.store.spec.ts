import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { LocalFolderStore } from './local-folder.store.js';
import { InvalidObjectNameError } from './object-name.util.js';
import { ObjectNotFoundError } from './object-store.js';

async function text(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

describe('LocalFolderStore (a bucket as a folder)', () => {
  let root: string;
  let outside: string;
  let store: LocalFolderStore;

  beforeAll(async () => {
    const parent = await mkdtemp(path.join(os.tmpdir(), 'google-store-'));
    root = path.join(parent, 'bucket');
    outside = path.join(parent, 'outside.txt');
    await writeFile(outside, 'not yours');
    store = new LocalFolderStore(root);
  });
  afterAll(() => rm(path.dirname(root), { recursive: true, force: true }));

  it('puts an object with its content type and metadata and gets it back as a stream', async () => {
    const stored = await store.put('purchase-orders/o-1/abc.pdf', Buffer.from('%PDF-1.7 hello'), {
      contentType: 'application/pdf',
      metadata: { uploadedBy: 'ab123' },
    });
    expect(stored).toEqual({
      name: 'purchase-orders/o-1/abc.pdf',
      size: 14,
      contentType: 'application/pdf',
      metadata: { uploadedBy: 'ab123' },
    });
    const { object, content } = await store.get('purchase-orders/o-1/abc.pdf');
    expect(object).toEqual(stored);
    expect(await text(content)).toBe('%PDF-1.7 hello');
    expect(await store.exists('purchase-orders/o-1/abc.pdf')).toBe(true);
  });

  it('puts an object from a stream, and a failing stream leaves nothing behind', async () => {
    const { Readable: ReadableStream } = await import('node:stream');
    const written = await store.putStream(
      'dumps/a.dump',
      ReadableStream.from([Buffer.from('part 1, '), Buffer.from('part 2')]),
      {
        contentType: 'application/octet-stream',
        metadata: { sha256: 'x' },
      },
    );
    expect(written).toEqual({
      name: 'dumps/a.dump',
      size: 14,
      contentType: 'application/octet-stream',
      metadata: { sha256: 'x' },
    });
    expect(await text((await store.get('dumps/a.dump')).content)).toBe('part 1, part 2');
    async function* failing() {
      yield Buffer.from('half');
      await Promise.resolve();
      throw new Error('pg_dump died');
    }
    await expect(
      store.putStream('dumps/b.dump', ReadableStream.from(failing()), {
        contentType: 'application/octet-stream',
      }),
    ).rejects.toThrow('pg_dump died');
    expect(await store.exists('dumps/b.dump')).toBe(false);
    expect((await readdir(path.join(root, 'objects', 'dumps'))).sort()).toEqual(['a.dump']);
  });

  it('keeps objects private to the owner (0600) and leaves no temporary file behind', async () => {
    await store.put('private/x.txt', Buffer.from('x'), { contentType: 'text/plain' });
    const mode = (await stat(path.join(root, 'objects/private/x.txt'))).mode & 0o777;
    expect(mode).toBe(0o600);
    expect(await readdir(path.join(root, 'objects/private'))).toEqual(['x.txt']);
  });

  it('replaces an object of the same name whole', async () => {
    await store.put('replace/me.txt', Buffer.from('first'), {
      contentType: 'text/plain',
      metadata: { v: '1' },
    });
    await store.put('replace/me.txt', Buffer.from('second!'), { contentType: 'text/csv' });
    const { object, content } = await store.get('replace/me.txt');
    expect(object).toMatchObject({ size: 7, contentType: 'text/csv', metadata: {} });
    expect(await text(content)).toBe('second!');
  });

  it('lists by prefix, sorted, and says absent objects are absent', async () => {
    await store.put('list/b.txt', Buffer.from('b'), { contentType: 'text/plain' });
    await store.put('list/a/1.txt', Buffer.from('a1'), { contentType: 'text/plain' });
    await store.put('listing.txt', Buffer.from('z'), { contentType: 'text/plain' });
    expect((await store.list('list/')).map((o) => o.name)).toEqual(['list/a/1.txt', 'list/b.txt']);
    expect((await store.list('list')).map((o) => o.name)).toEqual([
      'list/a/1.txt',
      'list/b.txt',
      'listing.txt',
    ]);
    expect(await store.list('nothing-here/')).toEqual([]);
    expect(await store.exists('list/c.txt')).toBe(false);
    await expect(store.get('list/c.txt')).rejects.toBeInstanceOf(ObjectNotFoundError);
  });

  it('lists sorted by code unit, as the bucket store does (upper case before "_" before lower case)', async () => {
    for (const name of ['sort/a.txt', 'sort/_x.txt', 'sort/B.txt', 'sort/a-b.txt']) {
      await store.put(name, Buffer.from('x'), { contentType: 'text/plain' });
    }
    expect((await store.list('sort/')).map((o) => o.name)).toEqual([
      'sort/B.txt',
      'sort/_x.txt',
      'sort/a-b.txt',
      'sort/a.txt',
    ]);
  });

  it('deletes, saying whether there was an object', async () => {
    await store.put('delete/me.txt', Buffer.from('x'), { contentType: 'text/plain' });
    expect(await store.delete('delete/me.txt')).toBe(true);
    expect(await store.delete('delete/me.txt')).toBe(false);
    expect(await store.exists('delete/me.txt')).toBe(false);
  });

  it.each([
    '../outside.txt',
    '../../outside.txt',
    'a/../../outside.txt',
    '/etc/passwd',
    path.join(os.tmpdir(), 'x'),
  ])('refuses the unsafe name %j on every operation and touches nothing outside its folder', async (name) => {
    await expect(store.put(name, Buffer.from('owned'), { contentType: 'text/plain' })).rejects.toBeInstanceOf(
      InvalidObjectNameError,
    );
    await expect(store.get(name)).rejects.toBeInstanceOf(InvalidObjectNameError);
    await expect(store.exists(name)).rejects.toBeInstanceOf(InvalidObjectNameError);
    await expect(store.delete(name)).rejects.toBeInstanceOf(InvalidObjectNameError);
    expect(await text((await import('node:fs')).createReadStream(outside))).toBe('not yours');
  });

  it('says a folder made by a longer name is not an object, without naming a path of the machine', async () => {
    await store.put('nested/a/b', Buffer.from('b'), { contentType: 'text/plain' });
    const error = await store.get('nested/a').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ObjectNotFoundError);
    expect((error as Error).message).not.toContain(root);
    expect(await store.exists('nested/a')).toBe(false);
    // A name below an object (a file): ENOTDIR, also not found.
    await expect(store.get('nested/a/b/c')).rejects.toBeInstanceOf(ObjectNotFoundError);
    expect(await store.exists('nested/a/b/c')).toBe(false);
    expect((await store.list('nested/')).map((o) => o.name)).toEqual(['nested/a/b']);
  });

  it('says an object whose description is missing is not found', async () => {
    await store.put('undescribed/x.txt', Buffer.from('x'), { contentType: 'text/plain' });
    await rm(path.join(root, 'meta/undescribed/x.txt.json'));
    await expect(store.get('undescribed/x.txt')).rejects.toBeInstanceOf(ObjectNotFoundError);
  });

  it('refuses a name with a ".tmp-" segment, which list() would hide', async () => {
    await expect(
      store.put('hidden/.tmp-1', Buffer.from('x'), { contentType: 'text/plain' }),
    ).rejects.toBeInstanceOf(InvalidObjectNameError);
    expect(await store.list('hidden/')).toEqual([]);
  });

  it('refuses an unsafe prefix', async () => {
    await expect(store.list('../')).rejects.toBeInstanceOf(InvalidObjectNameError);
  });
});
