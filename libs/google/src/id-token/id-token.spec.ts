import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AuthModule } from '@app/auth';
import { createHttpClient, isAxiosError } from '@app/http';
import { AUDIENCE, createAuthTestApp, FakeGoogleKeys, JOB_EMAIL } from '@app/testing';
import { bearerFor, StaticIdTokenProvider } from './id-token.provider.js';
import { MetadataIdTokenProvider } from './metadata-id-token.provider.js';

/**
 * Plays Cloud Run's metadata server (`GCE_METADATA_HOST` points google-auth-library at it): answers
 * the "am I on Google Cloud" ping and `service-accounts/default/identity` with an ID token signed by
 * the test's Google keys, for the audience asked, expiring in `lifetimeSeconds`.
 */
class MetadataServer {
  identityRequests: { audience: string | null; flavor: string | undefined }[] = [];
  lifetimeSeconds = 3600;
  /** The clock the tokens' iat and exp are made from (a test that moves time sets its own). */
  clock: () => number = Date.now;
  private constructor(
    private readonly server: Server,
    readonly host: string,
  ) {}

  static async start(keys: FakeGoogleKeys): Promise<MetadataServer> {
    const holder: { self?: MetadataServer } = {};
    const server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://metadata');
      const flavor = req.headers['metadata-flavor'] as string | undefined;
      res.setHeader('Metadata-Flavor', 'Google');
      if (flavor !== 'Google') return void res.writeHead(403).end('Missing Metadata-Flavor:Google header.');
      if (url.pathname === '/computeMetadata/v1/instance') return void res.writeHead(200).end('{}');
      const self = holder.self;
      if (url.pathname === '/computeMetadata/v1/instance/service-accounts/default/identity' && self) {
        const audience = url.searchParams.get('audience');
        self.identityRequests.push({ audience, flavor });
        const now = Math.floor(self.clock() / 1000);
        void keys
          .sign({ claims: { aud: audience, email: JOB_EMAIL, iat: now, exp: now + self.lifetimeSeconds } })
          .then((token) => res.writeHead(200, { 'content-type': 'application/text' }).end(token));
        return;
      }
      res.writeHead(404).end('not found');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    holder.self = new MetadataServer(server, `127.0.0.1:${(server.address() as AddressInfo).port}`);
    return holder.self;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

async function listening(app: INestApplication): Promise<string> {
  await app.listen(0, '127.0.0.1');
  return `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
}

describe('service-to-service ID tokens', () => {
  let keys: FakeGoogleKeys;
  let metadata: MetadataServer;
  let oidcApp: INestApplication;
  let oidcUrl: string;
  const saved = {
    host: process.env.GCE_METADATA_HOST,
    credentials: process.env.GOOGLE_APPLICATION_CREDENTIALS,
  };

  beforeAll(async () => {
    keys = await FakeGoogleKeys.start();
    await keys.reset();
    metadata = await MetadataServer.start(keys);
    process.env.GCE_METADATA_HOST = metadata.host;
    delete process.env.GOOGLE_APPLICATION_CREDENTIALS;
    oidcApp = await keys.startApp();
    oidcUrl = await listening(oidcApp);
  });
  beforeEach(() => {
    metadata.identityRequests = [];
    metadata.lifetimeSeconds = 3600;
    metadata.clock = Date.now;
  });
  afterAll(async () => {
    if (saved.host === undefined) delete process.env.GCE_METADATA_HOST;
    else process.env.GCE_METADATA_HOST = saved.host;
    if (saved.credentials !== undefined) process.env.GOOGLE_APPLICATION_CREDENTIALS = saved.credentials;
    await oidcApp.close();
    await metadata.close();
    await keys.close();
  });

  it('in the cloud: a token from the metadata server for the audience passes the oidc guard of the callee', async () => {
    const provider = new MetadataIdTokenProvider();
    const client = createHttpClient({
      system: 'Callee',
      baseURL: oidcUrl,
      authorization: bearerFor(provider, AUDIENCE),
    });
    const response = await client.get('/job');
    expect(response.data).toMatchObject({ principal: { email: JOB_EMAIL, roles: ['job'] } });
    expect(metadata.identityRequests).toEqual([{ audience: AUDIENCE, flavor: 'Google' }]);
  });

  it('caches the token until shortly before it expires, one fetch per audience', async () => {
    // One clock for the provider and the token's exp, moved by the test: no wall-clock time involved.
    const start = Date.now();
    let now = start;
    metadata.clock = () => now;
    const provider = new MetadataIdTokenProvider({ refreshBeforeMs: 300_000, now: () => now });
    const first = await provider.token(AUDIENCE);
    const [second, third] = await Promise.all([provider.token(AUDIENCE), provider.token(AUDIENCE)]);
    expect([second, third]).toEqual([first, first]);
    expect(metadata.identityRequests).toHaveLength(1);
    await provider.token('https://other-service.example');
    expect(metadata.identityRequests.map((r) => r.audience)).toEqual([
      AUDIENCE,
      'https://other-service.example',
    ]);

    // exp is start + 3600 s (to the second below), so the refresh point is within 1 s before start + 3300 s.
    now = start + 3_298_000; // before the refresh point: still cached
    expect(await provider.token(AUDIENCE)).toBe(first);
    expect(metadata.identityRequests).toHaveLength(2);
    now = start + 3_300_000; // at or past the refresh point, five minutes before exp: fetched again
    expect(await provider.token(AUDIENCE)).not.toBe(first);
    expect(metadata.identityRequests).toHaveLength(3);
  });

  it('a token for another audience is refused by the callee (401)', async () => {
    const provider = new MetadataIdTokenProvider();
    const client = createHttpClient({
      system: 'Callee',
      baseURL: oidcUrl,
      authorization: bearerFor(provider, 'https://somebody-else.example'),
      maxAttempts: 1,
    });
    const failure = await client.get('/job').catch((error: unknown) => error);
    expect(isAxiosError(failure) && failure.response?.status).toBe(401);
  });

  it('a metadata server that fails is an error naming the audience, and is not cached', async () => {
    const fetches: string[] = [];
    const provider = new MetadataIdTokenProvider({}, (audience) => {
      fetches.push(audience);
      return fetches.length === 1
        ? Promise.reject(new Error('metadata server unavailable'))
        : keys.sign({ claims: { aud: audience } });
    });
    await expect(provider.token(AUDIENCE)).rejects.toThrow(
      `could not get an ID token for ${AUDIENCE} from the metadata server`,
    );
    await expect(provider.token(AUDIENCE)).resolves.toMatch(/^ey/);
    expect(fetches).toEqual([AUDIENCE, AUDIENCE]);
  });

  it('locally: the static token passes the token guard of the callee, and a wrong one is a 401', async () => {
    const jobToken = 'callee-local-job-token-0123456789';
    const tokenApp = await createAuthTestApp(
      AuthModule.forRoot({
        mode: 'token',
        jobToken,
        operatorToken: 'callee-operator-token-0123456789',
        jobEmails: [],
        operatorEmails: [],
      }),
    );
    try {
      const url = await listening(tokenApp);
      const good = createHttpClient({
        system: 'Callee',
        baseURL: url,
        authorization: bearerFor(new StaticIdTokenProvider(jobToken), AUDIENCE),
      });
      expect((await good.get('/job')).data).toMatchObject({ principal: { roles: ['job'] } });
      const bad = createHttpClient({
        system: 'Callee',
        baseURL: url,
        maxAttempts: 1,
        authorization: bearerFor(new StaticIdTokenProvider('not-the-job-token-0123456789'), AUDIENCE),
      });
      const failure = await bad.get('/job').catch((error: unknown) => error);
      expect(isAxiosError(failure) && failure.response?.status).toBe(401);
      const anonymous = createHttpClient({ system: 'Callee', baseURL: url, maxAttempts: 1 });
      const refused = await anonymous.get('/job').catch((error: unknown) => error);
      expect(isAxiosError(refused) && refused.response?.status).toBe(401);
    } finally {
      await tokenApp.close();
    }
  });
});
