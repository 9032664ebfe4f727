import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { callWithToken as call, FakeGoogleKeys, jwkOf } from '@app/testing';

describe('oidc mode: Google signing keys', () => {
  let google: FakeGoogleKeys;
  let app: INestApplication | undefined;

  beforeAll(async () => {
    google = await FakeGoogleKeys.start();
  });
  afterAll(() => google.close());
  beforeEach(() => google.reset());
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  const start = async (jwksCooldownMs?: number) => {
    app = await google.startApp(jwksCooldownMs);
    return app;
  };

  it('are fetched once for many requests, concurrent or not', async () => {
    const server = await start();
    const token = await google.sign();
    const concurrent = await Promise.all([1, 2, 3, 4, 5].map(() => call(server, token)));
    expect(concurrent.map((response) => response.status)).toEqual([200, 200, 200, 200, 200]);
    for (let i = 0; i < 5; i += 1) expect((await call(server, token)).status).toBe(200);
    expect(google.fetches()).toBe(1);
  });

  it('are not fetched for a @Public route', async () => {
    const server = await start();
    expect((await call(server, undefined, '/healthz')).status).toBe(200);
    expect(google.fetches()).toBe(0);
  });

  it('are refetched for an unknown kid, so a rotated key is picked up', async () => {
    const server = await start(0);
    expect((await call(server, await google.sign())).status).toBe(200);
    expect(google.fetches()).toBe(1);
    google.served = [await jwkOf(google.rotatedKey, 'key-2')];
    const rotated = await google.sign({ key: google.rotatedKey, kid: 'key-2' });
    expect((await call(server, rotated)).status).toBe(200);
    expect(google.fetches()).toBe(2);
    expect((await call(server, rotated)).status).toBe(200);
    expect(google.fetches()).toBe(2);
  });

  it('are not refetched again within the cooldown, however many unknown kids arrive', async () => {
    const server = await start();
    expect((await call(server, await google.sign())).status).toBe(200);
    google.served = [...google.served, await jwkOf(google.rotatedKey, 'key-2')];
    for (const kid of ['key-2', 'forged-1', 'forged-2']) {
      const response = await call(server, await google.sign({ key: google.rotatedKey, kid }));
      expect(response.status).toBe(401);
      expect(response.body.message).toBe('token is not signed by a known Google key');
    }
    expect(google.fetches()).toBe(1);
  });

  it('answer 503 when they cannot be fetched, and are fetched again next time', async () => {
    const server = await start();
    google.control.addFault({ path: '/certs', status: 500, times: 1 });
    const token = await google.sign();
    const refused = await call(server, token);
    expect(refused.status).toBe(503);
    expect(refused.body).toEqual({
      statusCode: 503,
      error: 'Service Unavailable',
      message: 'could not fetch the token signing keys',
    });
    expect(refused.headers['www-authenticate']).toBeUndefined();
    expect((await call(server, token)).status).toBe(200);
    expect(google.fetches()).toBe(2);
  });
});
