import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { createAuthTestApp } from '@app/testing';
import { AuthModule } from './auth.module.js';

const JOB_EMAIL = 'tasks@project.iam.gserviceaccount.com';
const OPERATOR_EMAIL = 'operator@uni.example.ac.uk';

/** A token as Cloud Run forwards it after its IAM check: payload intact, signature removed. */
const forwarded = (claims: Record<string, unknown>) => {
  const encode = (part: object) => Buffer.from(JSON.stringify(part)).toString('base64url');
  return `${encode({ alg: 'RS256', kid: 'k', typ: 'JWT' })}.${encode(claims)}.SIGNATURE_REMOVED_BY_GOOGLE`;
};

describe('iam mode', () => {
  let app: INestApplication;

  beforeAll(async () => {
    app = await createAuthTestApp(
      AuthModule.forRoot({ mode: 'iam', jobEmails: [JOB_EMAIL], operatorEmails: [OPERATOR_EMAIL] }),
    );
  });
  afterAll(() => app.close());

  const call = (path: string, headers: Record<string, string>) => {
    let pending = request(app.getHttpServer()).get(path);
    for (const [name, value] of Object.entries(headers)) pending = pending.set(name, value);
    return pending;
  };
  const bearer = (claims: Record<string, unknown>) => `Bearer ${forwarded(claims)}`;

  it.each<[string, string, Record<string, string>, string, string[]]>([
    [
      'a job caller',
      '/job',
      { Authorization: bearer({ sub: '1', email: JOB_EMAIL, email_verified: true }) },
      JOB_EMAIL,
      ['job'],
    ],
    [
      'a caller without email_verified',
      '/job',
      { Authorization: bearer({ sub: '1', email: JOB_EMAIL }) },
      JOB_EMAIL,
      ['job'],
    ],
    [
      'an operator',
      '/operator',
      { Authorization: bearer({ sub: '1', email: OPERATOR_EMAIL }) },
      OPERATOR_EMAIL,
      ['operator'],
    ],
    [
      'the identity in X-Serverless-Authorization over Authorization',
      '/operator',
      {
        'X-Serverless-Authorization': bearer({ sub: '1', email: OPERATOR_EMAIL }),
        Authorization: 'Basic app-level-credentials',
      },
      OPERATOR_EMAIL,
      ['operator'],
    ],
  ])('accepts %s', async (_case, path, headers, email, roles) => {
    const response = await call(path, headers);
    expect(response.status).toBe(200);
    expect(response.body.principal).toEqual({ subject: '1', email, roles, via: 'iam' });
  });

  it.each<[string, string, Record<string, string>, 401 | 403, string]>([
    ['no header', '/job', {}, 401, 'missing Authorization header'],
    [
      'a malformed header',
      '/job',
      { Authorization: 'Token abc' },
      401,
      'Authorization header must be "Bearer <token>"',
    ],
    ['a token that is not a JWT', '/job', { Authorization: 'Bearer abc' }, 401, 'token is malformed'],
    [
      'email_verified false',
      '/job',
      { Authorization: bearer({ email: JOB_EMAIL, email_verified: false }) },
      401,
      'token email is not verified',
    ],
    ['no email', '/job', { Authorization: bearer({ sub: '1' }) }, 401, 'token has no email claim'],
    [
      'an unlisted email',
      '/job',
      { Authorization: bearer({ email: 'x@y.example' }) },
      403,
      'caller x@y.example is not allowed to call job endpoints',
    ],
    [
      'a job caller on an operator route',
      '/operator',
      { Authorization: bearer({ email: JOB_EMAIL }) },
      403,
      `caller ${JOB_EMAIL} is not allowed to call operator endpoints`,
    ],
    [
      'an operator in Authorization when Cloud Run checked a job caller in X-Serverless-Authorization',
      '/operator',
      {
        'X-Serverless-Authorization': bearer({ email: JOB_EMAIL }),
        Authorization: bearer({ email: OPERATOR_EMAIL }),
      },
      403,
      `caller ${JOB_EMAIL} is not allowed to call operator endpoints`,
    ],
  ])('refuses %s', async (_case, path, headers, status, message) => {
    const response = await call(path, headers);
    expect(response.status).toBe(status);
    expect(response.body).toEqual({
      statusCode: status,
      error: status === 401 ? 'Unauthorized' : 'Forbidden',
      message,
    });
    expect(response.headers['www-authenticate']).toBe(status === 401 ? 'Bearer' : undefined);
  });
});
