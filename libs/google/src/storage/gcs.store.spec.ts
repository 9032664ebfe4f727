import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { CRC32C } from '@google-cloud/storage';
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import {
  type Answer,
  GoogleRestServer,
  type RecordedRequest,
  staticAccessToken,
} from '../../test/google-rest.fixture.js';
import { GcsObjectStore } from './gcs.store.js';
import { InvalidObjectNameError } from './object-name.util.js';
import { ObjectNotFoundError } from './object-store.js';

interface FakeObject {
  name: string;
  contentType: string;
  metadata: Record<string, string>;
  content: Buffer;
  generation: string;
}

/**
 * The far side of @google-cloud/storage's HTTP: the few JSON API calls the adapter makes (multipart
 * upload, object metadata, media download, delete, list), over an in-memory bucket. Just enough of the
 * wire format to see what the adapter asks for; not a simulator of Cloud Storage.
 */
function gcsAnswers(bucket: string, objects: Map<string, FakeObject>) {
  let generation = 1000;
  const resource = (o: FakeObject) => ({
    kind: 'storage#object',
    bucket,
    name: o.name,
    generation: o.generation,
    size: String(o.content.length),
    contentType: o.contentType,
    metadata: o.metadata,
    // The client checks an upload against these, as against the real service's.
    md5Hash: createHash('md5').update(o.content).digest('base64'),
    crc32c: crc32cOf(o.content),
  });
  return (request: RecordedRequest): Answer => {
    const url = new URL(request.path, 'http://gcs');
    const objectPath = `/storage/v1/b/${bucket}/o/`;
    if (request.method === 'POST' && url.pathname === `/upload/storage/v1/b/${bucket}/o`) {
      const boundary = /boundary="?([^";]+)"?/.exec(String(request.headers['content-type']))?.[1] ?? '';
      const parts = request.body
        .toString('latin1')
        .split(`--${boundary}`)
        .slice(1, -1)
        .map((part) => part.slice(part.indexOf('\r\n\r\n') + 4, -2));
      const meta = JSON.parse(parts[0]) as {
        name: string;
        contentType: string;
        metadata?: Record<string, string>;
      };
      const stored = {
        name: meta.name ?? url.searchParams.get('name'),
        contentType: meta.contentType,
        metadata: meta.metadata ?? {},
        content: Buffer.from(parts[1], 'latin1'),
        generation: String(++generation),
      };
      objects.set(stored.name, stored);
      return { status: 200, body: resource(stored) };
    }
    if (url.pathname === `/storage/v1/b/${bucket}/o` && request.method === 'GET') {
      const prefix = url.searchParams.get('prefix') ?? '';
      const items = [...objects.values()].filter((o) => o.name.startsWith(prefix)).map(resource);
      return { status: 200, body: { kind: 'storage#objects', items } };
    }
    if (url.pathname.startsWith(objectPath)) {
      const name = decodeURIComponent(url.pathname.slice(objectPath.length));
      const found = objects.get(name);
      if (found === undefined)
        return { status: 404, body: { error: { code: 404, message: 'No such object' } } };
      if (request.method === 'DELETE') {
        objects.delete(name);
        return { status: 204 };
      }
      if (url.searchParams.get('alt') === 'media') return { status: 200, body: found.content };
      return { status: 200, body: resource(found) };
    }
    return {
      status: 400,
      body: { error: { code: 400, message: `unexpected ${request.method} ${request.path}` } },
    };
  };
}

function crc32cOf(content: Buffer): string {
  const crc = new CRC32C();
  crc.update(content);
  return crc.toString();
}

async function text(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

describe('GcsObjectStore (real @google-cloud/storage client, HTTP to a local server)', () => {
  let server: GoogleRestServer;
  let store: GcsObjectStore;
  const objects = new Map<string, FakeObject>();

  beforeAll(async () => {
    server = await GoogleRestServer.start();
    server.answer = gcsAnswers('research-storage-po', objects);
    store = new GcsObjectStore({
      bucket: 'research-storage-po',
      storageOptions: {
        apiEndpoint: server.url,
        projectId: 'uni-services',
        authClient: staticAccessToken(),
        useAuthWithCustomEndpoint: true,
        retryOptions: { autoRetry: false },
      },
    });
  });
  beforeEach(() => {
    server.requests.length = 0;
  });
  afterAll(() => server.close());

  it('uploads the object whole with its content type and metadata, and no ACL', async () => {
    const stored = await store.put('purchase-orders/o-1/abc.pdf', Buffer.from('%PDF-1.7 body'), {
      contentType: 'application/pdf',
      metadata: { orderId: 'o-1' },
    });
    expect(stored).toEqual({
      name: 'purchase-orders/o-1/abc.pdf',
      size: 13,
      contentType: 'application/pdf',
      metadata: { orderId: 'o-1' },
    });
    expect(server.requests).toHaveLength(1);
    const [upload] = server.requests;
    const url = new URL(upload.path, 'http://gcs');
    expect(url.pathname).toBe('/upload/storage/v1/b/research-storage-po/o');
    expect(url.searchParams.get('uploadType')).toBe('multipart');
    expect(url.searchParams.get('predefinedAcl')).toBeNull();
    expect(upload.headers.authorization).toBe('Bearer test-access-token');
    expect(objects.get('purchase-orders/o-1/abc.pdf')).toMatchObject({
      contentType: 'application/pdf',
      metadata: { orderId: 'o-1' },
      content: Buffer.from('%PDF-1.7 body'),
    });
  });

  it('uploads an object from a stream in one multipart request', async () => {
    const { Readable: ReadableStream } = await import('node:stream');
    const before = server.requests.length;
    const stored = await store.putStream(
      'dumps/prod/1.dump',
      ReadableStream.from([Buffer.from('PGDMP'), Buffer.from(' rest')]),
      { contentType: 'application/octet-stream', metadata: { sha256: 'abc' } },
    );
    expect(stored).toEqual({
      name: 'dumps/prod/1.dump',
      size: 10,
      contentType: 'application/octet-stream',
      metadata: { sha256: 'abc' },
    });
    const upload = new URL(server.requests[before]?.path ?? '', 'http://gcs');
    expect(upload.searchParams.get('uploadType')).toBe('multipart');
    expect(objects.get('dumps/prod/1.dump')?.content).toEqual(Buffer.from('PGDMP rest'));
  });

  it('gets the described generation as a stream', async () => {
    const { object, content } = await store.get('purchase-orders/o-1/abc.pdf');
    expect(object).toEqual({
      name: 'purchase-orders/o-1/abc.pdf',
      size: 13,
      contentType: 'application/pdf',
      metadata: { orderId: 'o-1' },
    });
    expect(await text(content)).toBe('%PDF-1.7 body');
    const media = server.requests
      .map((r) => new URL(r.path, 'http://gcs'))
      .find((u) => u.searchParams.get('alt') === 'media');
    expect(media?.searchParams.get('generation')).toBe(
      objects.get('purchase-orders/o-1/abc.pdf')?.generation,
    );
  });

  it('exists, lists by prefix, deletes, and reports an absent object', async () => {
    await store.put('purchase-orders/o-2/def.pdf', Buffer.from('%PDF-2'), { contentType: 'application/pdf' });
    expect(await store.exists('purchase-orders/o-2/def.pdf')).toBe(true);
    expect((await store.list('purchase-orders/')).map((o) => o.name)).toEqual([
      'purchase-orders/o-1/abc.pdf',
      'purchase-orders/o-2/def.pdf',
    ]);
    expect(new URL(server.requests.at(-1)?.path ?? '', 'http://gcs').searchParams.get('prefix')).toBe(
      'purchase-orders/',
    );
    expect(await store.delete('purchase-orders/o-2/def.pdf')).toBe(true);
    expect(await store.delete('purchase-orders/o-2/def.pdf')).toBe(false);
    expect(await store.exists('purchase-orders/o-2/def.pdf')).toBe(false);
    await expect(store.get('purchase-orders/o-2/def.pdf')).rejects.toBeInstanceOf(ObjectNotFoundError);
  });

  it('lists sorted by code unit, as the folder store does (upper case before "_" before lower case)', async () => {
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

  it('refuses unsafe names before any request', async () => {
    await expect(store.put('../x', Buffer.from('x'), { contentType: 'text/plain' })).rejects.toBeInstanceOf(
      InvalidObjectNameError,
    );
    await expect(store.get('/etc/passwd')).rejects.toBeInstanceOf(InvalidObjectNameError);
    expect(server.requests).toHaveLength(0);
  });
});
