import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { HttpPolicy } from '@app/http';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { GoogleRestServer, googleError } from '../../test/google-rest.fixture.js';
import { LocalSecretSource } from './local-secret.source.js';
import { SecretManagerSource } from './secret-manager.source.js';
import { SecretNotFoundError } from './secret-source.js';

describe('SecretManagerSource (real client, REST transport to a local server)', () => {
  let server: GoogleRestServer;
  let source: SecretManagerSource;

  beforeAll(async () => {
    server = await GoogleRestServer.start();
    source = new SecretManagerSource({
      project: 'uni-services',
      clientOptions: server.gaxOptions(),
      policy: new HttpPolicy({ system: 'Secret Manager', maxAttempts: 2, baseDelayMs: 1 }),
    });
  });
  beforeEach(() => {
    server.requests.length = 0;
  });
  afterAll(() => server.close());

  it('reads the latest version of a secret by its full name', async () => {
    server.answer = () => ({
      status: 200,
      body: {
        name: 'projects/123/secrets/cufs-api-token/versions/4',
        payload: { data: Buffer.from('s3cret value').toString('base64') },
      },
    });
    expect(await source.read('cufs-api-token')).toBe('s3cret value');
    expect(server.requests.map((r) => [r.method, r.path.split('?')[0]])).toEqual([
      ['GET', '/v1/projects/uni-services/secrets/cufs-api-token/versions/latest:access'],
    ]);
    expect(server.requests[0].headers.authorization).toBe('Bearer test-access-token');
  });

  it('reads a given version', async () => {
    server.answer = () => ({
      status: 200,
      body: { payload: { data: Buffer.from('v2').toString('base64') } },
    });
    expect(await source.read('cufs-api-token', '2')).toBe('v2');
    expect(server.requests[0].path.split('?')[0]).toBe(
      '/v1/projects/uni-services/secrets/cufs-api-token/versions/2:access',
    );
  });

  it('says which secret is missing on NOT_FOUND', async () => {
    server.answer = () => ({
      status: 404,
      body: googleError(404, 'NOT_FOUND', 'Secret [x] not found or has no versions.'),
    });
    await expect(source.read('missing-secret')).rejects.toThrow(
      new SecretNotFoundError('missing-secret', 'latest', 'Secret Manager (project uni-services)'),
    );
  });

  it('refuses a malformed secret id or version before any request', async () => {
    await expect(source.read('../other-project')).rejects.toThrow(/^secret id must be/);
    await expect(source.read('ok', 'previous')).rejects.toThrow(
      'secret ok: version must be "latest" or a version number',
    );
    expect(server.requests).toHaveLength(0);
  });
});

describe('LocalSecretSource', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'google-secrets-'));
    await writeFile(
      path.join(dir, 'secrets.json'),
      JSON.stringify({ 'cufs-api-token': 'from-file', both: 'file' }),
    );
    await writeFile(path.join(dir, 'broken.json'), '{"cufs-api-token": "leaky value"');
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('reads given values first, then the file', async () => {
    const source = new LocalSecretSource({ values: { both: 'given' }, file: path.join(dir, 'secrets.json') });
    expect(await source.read('both')).toBe('given');
    expect(await source.read('cufs-api-token')).toBe('from-file');
  });

  it('names the missing secret, and only "latest" exists locally', async () => {
    const source = new LocalSecretSource({ values: {} });
    await expect(source.read('absent')).rejects.toBeInstanceOf(SecretNotFoundError);
    await expect(source.read('absent')).rejects.toThrow(
      'secret absent (version latest) was not found in the local settings',
    );
    await expect(source.read('absent', '3')).rejects.toThrow(/only "latest" exists locally/);
  });

  it('a file that is not JSON is named without quoting its content', async () => {
    const source = new LocalSecretSource({ file: path.join(dir, 'broken.json') });
    const error = (await source.read('cufs-api-token').then(
      () => new Error('read a broken file'),
      (e: unknown) => e,
    )) as Error;
    expect(error.message).toBe('the local secrets file is not JSON');
    expect(error.message).not.toContain('leaky');
  });
});
