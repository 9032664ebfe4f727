import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { Test } from '@nestjs/testing';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { DbModule } from './db.module.js';
import { CLOUD_SQL_LOGIN_SCOPE, cloudSqlIamPassword, clientWithPassword } from './iam-auth.js';
import { DB_CONNECTION, type DbConnectionOptions, PrismaService } from './prisma.service.js';

/**
 * Plays Cloud Run's metadata server (`GCE_METADATA_HOST` points google-auth-library at it): the
 * "am I on Google Cloud" ping and `service-accounts/default/token`, which hands out access tokens.
 */
async function startMetadataServer() {
  const tokenRequests: { scopes: string | null; flavor: string | undefined }[] = [];
  let issued = 0;
  const server: HttpServer = createHttpServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://metadata');
    const flavor = req.headers['metadata-flavor'] as string | undefined;
    res.setHeader('Metadata-Flavor', 'Google');
    if (flavor !== 'Google') return void res.writeHead(403).end('Missing Metadata-Flavor:Google header.');
    if (url.pathname === '/computeMetadata/v1/instance') return void res.writeHead(200).end('{}');
    if (url.pathname === '/computeMetadata/v1/instance/service-accounts/default/token') {
      tokenRequests.push({ scopes: url.searchParams.get('scopes'), flavor });
      issued += 1;
      res.writeHead(200, { 'content-type': 'application/json' });
      return void res.end(
        JSON.stringify({
          access_token: `ya29.login-token-${issued}`,
          expires_in: 3599,
          token_type: 'Bearer',
        }),
      );
    }
    res.writeHead(404).end('not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    host: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    tokenRequests,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * A PostgreSQL server that asks for a cleartext password (as Cloud SQL does for an IAM login over
 * TLS) and records who logged in with what, then refuses: enough to see what pg sends.
 */
async function startPasswordRecorder() {
  const logins: { user: string; password: string }[] = [];
  const server: Server = createServer((socket: Socket) => {
    let buffer = Buffer.alloc(0);
    let user = '';
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      if (user === '') {
        if (buffer.length < 4 || buffer.length < buffer.readInt32BE(0)) return;
        const length = buffer.readInt32BE(0);
        const fields = buffer
          .subarray(8, length - 1)
          .toString('utf8')
          .split('\0');
        user = fields[fields.indexOf('user') + 1] ?? '';
        buffer = buffer.subarray(length);
        socket.write(Buffer.from([0x52, 0, 0, 0, 8, 0, 0, 0, 3])); // AuthenticationCleartextPassword
      }
      if (buffer.length >= 5 && buffer[0] === 0x70 && buffer.length >= 1 + buffer.readInt32BE(1)) {
        logins.push({ user, password: buffer.subarray(5, buffer.readInt32BE(1)).toString('utf8') });
        const message = Buffer.from('SFATAL\0C28P01\0Mrecorded, refused\0\0', 'utf8');
        const error = Buffer.alloc(5);
        error.write('E');
        error.writeInt32BE(4 + message.length, 1);
        socket.end(Buffer.concat([error, message]));
      }
    });
    socket.on('error', () => socket.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `postgresql://covid-pool-run%40project-1.iam@127.0.0.1:${(server.address() as AddressInfo).port}/platform?sslmode=disable`,
    logins,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('Cloud SQL IAM database login (DATABASE_IAM_AUTH)', () => {
  let metadata: Awaited<ReturnType<typeof startMetadataServer>>;
  let postgres: Awaited<ReturnType<typeof startPasswordRecorder>>;
  const saved = {
    host: process.env.GCE_METADATA_HOST,
    detection: process.env.METADATA_SERVER_DETECTION,
    credentials: process.env.GOOGLE_APPLICATION_CREDENTIALS,
  };

  beforeAll(async () => {
    metadata = await startMetadataServer();
    postgres = await startPasswordRecorder();
    process.env.GCE_METADATA_HOST = metadata.host;
    // As on Cloud Run: the metadata server is there (gcp-metadata otherwise probes for it first).
    process.env.METADATA_SERVER_DETECTION = 'assume-present';
    delete process.env.GOOGLE_APPLICATION_CREDENTIALS;
  });
  beforeEach(() => {
    metadata.tokenRequests.length = 0;
    postgres.logins.length = 0;
  });
  afterAll(async () => {
    if (saved.host === undefined) delete process.env.GCE_METADATA_HOST;
    else process.env.GCE_METADATA_HOST = saved.host;
    if (saved.detection === undefined) delete process.env.METADATA_SERVER_DETECTION;
    else process.env.METADATA_SERVER_DETECTION = saved.detection;
    if (saved.credentials !== undefined) process.env.GOOGLE_APPLICATION_CREDENTIALS = saved.credentials;
    await metadata.close();
    await postgres.close();
  });

  it('gets an access token with the sqlservice.login scope from the metadata server, once while it is valid', async () => {
    const password = cloudSqlIamPassword();
    const first = await password();
    expect(first).toMatch(/^ya29\.login-token-\d+$/);
    expect(await password()).toBe(first);
    expect(metadata.tokenRequests).toEqual([{ scopes: CLOUD_SQL_LOGIN_SCOPE, flavor: 'Google' }]);
  });

  it("sends the token as the password of the URL user, which the URL cannot do with pg's own option", async () => {
    const token = async () => Promise.resolve('token-from-the-function');
    const Client = clientWithPassword(token);
    await expect(new Client({ connectionString: postgres.url }).connect()).rejects.toThrow(
      'recorded, refused',
    );
    // Control: pg's `password` option next to a connection string is replaced by the URL's (none).
    await expect(
      new pg.Client({ connectionString: postgres.url, password: token }).connect(),
    ).rejects.toThrow();
    expect(postgres.logins).toEqual([
      { user: 'covid-pool-run@project-1.iam', password: 'token-from-the-function' },
      { user: 'covid-pool-run@project-1.iam', password: '' },
    ]);
  });

  it('DbModule with iamAuth logs the Prisma pool in with the metadata server token', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        DbModule.forRootAsync({
          useFactory: () => ({
            url: postgres.url,
            poolSize: 1,
            // Includes the token fetch: google-auth-library's first one looks for the metadata
            // server first (seconds here, instant on Cloud Run).
            connectTimeoutMs: 15_000,
            embeddedDataDir: 'unused',
            iamAuth: true,
          }),
        }),
      ],
    }).compile();
    const connection = moduleRef.get<DbConnectionOptions>(DB_CONNECTION);
    expect(typeof connection.password).toBe('function');
    await expect(moduleRef.get(PrismaService).$queryRaw`SELECT 1`).rejects.toThrow();
    await moduleRef.close();
    expect(postgres.logins).toEqual([
      { user: 'covid-pool-run@project-1.iam', password: expect.stringMatching(/^ya29\.login-token-\d+$/) },
    ]);
  });

  it("without iamAuth there is no password function: the URL's own password is used", async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        DbModule.forRootAsync({
          useFactory: () => ({
            url: postgres.url,
            poolSize: 1,
            connectTimeoutMs: 2000,
            embeddedDataDir: 'unused',
          }),
        }),
      ],
    }).compile();
    expect(moduleRef.get<DbConnectionOptions>(DB_CONNECTION).password).toBeUndefined();
    await moduleRef.close();
    expect(metadata.tokenRequests).toEqual([]);
  });
});
