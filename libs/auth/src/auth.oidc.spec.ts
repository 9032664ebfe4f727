import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { exportSPKI, SignJWT, UnsecuredJWT } from 'jose';
import request from 'supertest';
import {
  AUDIENCE,
  callWithToken as call,
  FakeGoogleKeys,
  JOB_EMAIL,
  OPERATOR_EMAIL,
  SUBJECT,
  type TokenSpec,
} from '@app/testing';

const ERROR_NAMES = { 401: 'Unauthorized', 403: 'Forbidden' } as const;
const GOOD_CLAIMS = {
  iss: 'https://accounts.google.com',
  aud: AUDIENCE,
  email: JOB_EMAIL,
  email_verified: true,
};
const epoch = () => Math.floor(Date.now() / 1000);

describe('oidc mode', () => {
  let google: FakeGoogleKeys;
  let app: INestApplication;

  beforeAll(async () => {
    google = await FakeGoogleKeys.start();
    await google.reset();
    app = await google.startApp();
  });
  afterAll(async () => {
    await app.close();
    await google.close();
  });
  beforeEach(() => google.reset());

  it.each<[string, string, TokenSpec, string[]]>([
    ['a job caller on a job route', '/job', {}, ['job']],
    ['the issuer spelt without scheme', '/job', { claims: { iss: 'accounts.google.com' } }, ['job']],
    ['an email in another case', '/job', { claims: { email: JOB_EMAIL.toUpperCase() } }, ['job']],
    ['a token expired within the clock tolerance', '/job', { claims: { exp: epoch() - 5 } }, ['job']],
    ['an operator on an operator route', '/operator', { claims: { email: OPERATOR_EMAIL } }, ['operator']],
    [
      'an operator on a job-or-operator route',
      '/either',
      { claims: { email: OPERATOR_EMAIL } },
      ['operator'],
    ],
  ])('accepts %s', async (_case, path, spec, roles) => {
    const response = await call(app, await google.sign(spec), path);
    expect(response.status).toBe(200);
    const email = (spec.claims?.email as string | undefined) ?? JOB_EMAIL;
    expect(response.body.principal).toEqual({ subject: SUBJECT, email, roles, via: 'oidc' });
  });

  it('sets request.principal', async () => {
    const response = await call(app, await google.sign());
    expect(response.body.onRequest).toEqual({
      subject: SUBJECT,
      email: JOB_EMAIL,
      roles: ['job'],
      via: 'oidc',
    });
  });

  const unsigned = () => Promise.resolve(new UnsecuredJWT(GOOD_CLAIMS).setExpirationTime('1h').encode());
  const hs256WithPublicKey = async () => {
    const secret = new TextEncoder().encode(await exportSPKI(google.googleKey.publicKey));
    return new SignJWT(GOOD_CLAIMS)
      .setProtectedHeader({ alg: 'HS256', kid: 'key-1' })
      .setExpirationTime('1h')
      .sign(secret);
  };
  const alg = 'token algorithm is not allowed (only RS256 is accepted)';

  it.each<[string, () => Promise<string>, 401 | 403, string, string?]>([
    [
      'a wrong audience',
      () => google.sign({ claims: { aud: 'https://other.a.run.app' } }),
      401,
      'token audience does not match',
    ],
    [
      'an audience list',
      () => google.sign({ claims: { aud: [AUDIENCE, 'https://x.a.run.app'] } }),
      401,
      'token audience does not match',
    ],
    [
      'a wrong issuer',
      () => google.sign({ claims: { iss: 'https://evil.example.com' } }),
      401,
      'token issuer is not Google',
    ],
    [
      'an http issuer',
      () => google.sign({ claims: { iss: 'http://accounts.google.com' } }),
      401,
      'token issuer is not Google',
    ],
    ['no issuer', () => google.sign({ omit: ['iss'] }), 401, 'token issuer is not Google'],
    [
      'an expired token',
      () => google.sign({ claims: { iat: epoch() - 7200, exp: epoch() - 3600 } }),
      401,
      'token has expired',
    ],
    ['a token without expiry', () => google.sign({ omit: ['exp'] }), 401, 'token has no valid expiry'],
    ['an unsigned token (alg none)', unsigned, 401, alg],
    ['HS256 with the public key as secret', hs256WithPublicKey, 401, alg],
    [
      'another key under a known kid',
      () => google.sign({ key: google.strangerKey }),
      401,
      'token signature is not valid',
    ],
    [
      'another key under an unknown kid',
      () => google.sign({ key: google.strangerKey, kid: 'x' }),
      401,
      'token is not signed by a known Google key',
    ],
    [
      'email_verified false',
      () => google.sign({ claims: { email_verified: false } }),
      401,
      'token email is not verified',
    ],
    [
      'email_verified as a string',
      () => google.sign({ claims: { email_verified: 'true' } }),
      401,
      'token email is not verified',
    ],
    [
      'no email_verified',
      () => google.sign({ omit: ['email_verified'] }),
      401,
      'token email is not verified',
    ],
    ['no email', () => google.sign({ omit: ['email'] }), 401, 'token has no email claim'],
    ['something that is not a JWT', () => Promise.resolve('not.a-jwt'), 401, 'token is malformed'],
    [
      'an unlisted email',
      () => google.sign({ claims: { email: 'someone@else.example' } }),
      403,
      'caller someone@else.example is not allowed to call job endpoints',
    ],
    [
      'a job caller on an operator route',
      () => google.sign(),
      403,
      `caller ${JOB_EMAIL} is not allowed to call operator endpoints`,
      '/operator',
    ],
    [
      'an operator on a job route',
      () => google.sign({ claims: { email: OPERATOR_EMAIL } }),
      403,
      `caller ${OPERATOR_EMAIL} is not allowed to call job endpoints`,
    ],
  ])('refuses %s', async (_case, makeToken, status, message, path = '/job') => {
    const token = await makeToken();
    const response = await call(app, token, path);
    expect(response.status).toBe(status);
    expect(response.body).toEqual({ statusCode: status, error: ERROR_NAMES[status], message });
    expect(response.headers['www-authenticate']).toBe(status === 401 ? 'Bearer' : undefined);
    expect(response.text).not.toContain(token);
  });

  it.each([
    ['no Authorization header', undefined, 'missing Authorization header'],
    ['a Basic header', 'Basic dXNlcjpwYXNz', 'Authorization header must be "Bearer <token>"'],
    ['a bare token', 'eyJhbGciOiJSUzI1NiJ9.e30.sig', 'Authorization header must be "Bearer <token>"'],
  ])('refuses %s with 401', async (_case, header, message) => {
    const pending = request(app.getHttpServer()).get('/job');
    const response = await (header === undefined ? pending : pending.set('Authorization', header));
    expect(response.status).toBe(401);
    expect(response.body).toEqual({ statusCode: 401, error: 'Unauthorized', message });
    expect(response.headers['www-authenticate']).toBe('Bearer');
  });

  it('opens a @Public route without a token', async () => {
    const response = await call(app, undefined, '/healthz');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ status: 'ok' });
  });
});
