import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Module, type INestApplication } from '@nestjs/common';
import request from 'supertest';
import { createAuthTestApp } from '@app/testing';
import { AuthModule, createVerifier } from './auth.module.js';
import type { AuthOptions } from './auth.types.js';

const JOB_TOKEN = 'job-secret-0123456789';
const OPERATOR_TOKEN = 'operator-secret-0123456789';
const ERROR_NAMES = { 401: 'Unauthorized', 403: 'Forbidden' } as const;

describe('token mode', () => {
  let app: INestApplication;

  beforeAll(async () => {
    app = await createAuthTestApp(
      AuthModule.forRoot({
        mode: 'token',
        jobToken: JOB_TOKEN,
        operatorToken: OPERATOR_TOKEN,
        jobEmails: [],
        operatorEmails: [],
      }),
    );
  });
  afterAll(() => app.close());

  it.each([
    ['no header', '/job', undefined, 401, 'missing Authorization header'],
    ['another scheme', '/job', `Basic ${JOB_TOKEN}`, 401, 'Authorization header must be "Bearer <token>"'],
    ['Bearer without a token', '/job', 'Bearer', 401, 'Authorization header must be "Bearer <token>"'],
    [
      'two words after Bearer',
      '/job',
      `Bearer ${JOB_TOKEN} x`,
      401,
      'Authorization header must be "Bearer <token>"',
    ],
    ['a wrong secret', '/job', 'Bearer not-the-secret', 401, 'token is not valid'],
    ['the secret with a suffix', '/job', `Bearer ${JOB_TOKEN}x`, 401, 'token is not valid'],
    [
      'the job secret on an operator route',
      '/operator',
      `Bearer ${JOB_TOKEN}`,
      403,
      'caller token:job is not allowed to call operator endpoints',
    ],
    [
      'the operator secret on a job route',
      '/job',
      `Bearer ${OPERATOR_TOKEN}`,
      403,
      'caller token:operator is not allowed to call job endpoints',
    ],
  ])('refuses %s', async (_case, path, header, status, message) => {
    const call = request(app.getHttpServer()).get(path);
    const response = await (header === undefined ? call : call.set('Authorization', header));
    expect(response.status).toBe(status);
    expect(response.body).toEqual({ statusCode: status, error: ERROR_NAMES[status as 401 | 403], message });
    expect(response.headers['www-authenticate']).toBe(status === 401 ? 'Bearer' : undefined);
    expect(response.text).not.toContain(JOB_TOKEN);
  });

  it.each([
    ['job secret', '/job', `Bearer ${JOB_TOKEN}`, { subject: 'token:job', roles: ['job'], via: 'token' }],
    [
      'job secret, lower-case scheme',
      '/job',
      `bearer ${JOB_TOKEN}`,
      { subject: 'token:job', roles: ['job'], via: 'token' },
    ],
    [
      'job secret on a job-or-operator route',
      '/either',
      `Bearer ${JOB_TOKEN}`,
      { subject: 'token:job', roles: ['job'], via: 'token' },
    ],
    [
      'operator secret',
      '/operator',
      `Bearer ${OPERATOR_TOKEN}`,
      { subject: 'token:operator', roles: ['operator'], via: 'token' },
    ],
    [
      'operator secret on a job-or-operator route',
      '/either',
      `Bearer ${OPERATOR_TOKEN}`,
      { subject: 'token:operator', roles: ['operator'], via: 'token' },
    ],
  ])('accepts the %s and hands the principal to the route', async (_case, path, header, principal) => {
    const response = await request(app.getHttpServer()).get(path).set('Authorization', header);
    expect(response.status).toBe(200);
    expect(response.body.principal).toEqual(principal);
  });

  it('sets request.principal for other code to read', async () => {
    const response = await request(app.getHttpServer())
      .get('/job')
      .set('Authorization', `Bearer ${JOB_TOKEN}`);
    expect(response.body.onRequest).toEqual({ subject: 'token:job', roles: ['job'], via: 'token' });
  });

  it.each([undefined, 'Bearer wrong', 'garbage'])(
    'opens a @Public route whatever the header (%s)',
    async (header) => {
      const call = request(app.getHttpServer()).get('/healthz');
      const response = await (header === undefined ? call : call.set('Authorization', header));
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ status: 'ok' });
    },
  );
});

describe('token mode without an operator token, configured with forRootAsync', () => {
  const SETTINGS = Symbol('SETTINGS');
  @Module({ providers: [{ provide: SETTINGS, useValue: { jobToken: JOB_TOKEN } }], exports: [SETTINGS] })
  class SettingsModule {}
  let app: INestApplication;

  beforeAll(async () => {
    app = await createAuthTestApp(
      AuthModule.forRootAsync({
        imports: [SettingsModule],
        inject: [SETTINGS],
        useFactory: (settings: { jobToken: string }) => ({
          mode: 'token',
          jobToken: settings.jobToken,
          jobEmails: [],
          operatorEmails: [],
        }),
      }),
    );
  });
  afterAll(() => app.close());

  it('lets job callers in', async () => {
    const response = await request(app.getHttpServer())
      .get('/job')
      .set('Authorization', `Bearer ${JOB_TOKEN}`);
    expect(response.status).toBe(200);
  });

  it('has no operators: the job secret is refused and the old operator secret is unknown', async () => {
    const asJob = await request(app.getHttpServer())
      .get('/operator')
      .set('Authorization', `Bearer ${JOB_TOKEN}`);
    expect(asJob.status).toBe(403);
    const asOperator = await request(app.getHttpServer())
      .get('/operator')
      .set('Authorization', `Bearer ${OPERATOR_TOKEN}`);
    expect(asOperator.status).toBe(401);
  });
});

describe('options checked at boot', () => {
  const base = { jobEmails: [], operatorEmails: [] };
  it.each<[string, AuthOptions, string]>([
    [
      'token mode without jobToken',
      { ...base, mode: 'token' },
      'AuthOptions.jobToken is required in token mode',
    ],
    [
      'token mode with an empty jobToken',
      { ...base, mode: 'token', jobToken: '' },
      'AuthOptions.jobToken is required in token mode',
    ],
    [
      'the same secret for both roles',
      { ...base, mode: 'token', jobToken: JOB_TOKEN, operatorToken: JOB_TOKEN },
      'AuthOptions.operatorToken must differ from jobToken',
    ],
    [
      'oidc mode without audience',
      { ...base, mode: 'oidc' },
      'AuthOptions.audience is required in oidc mode',
    ],
  ])('refuses %s', (_case, options, message) => {
    expect(() => createVerifier(options)).toThrow(message);
  });
});
