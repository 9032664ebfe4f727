import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { createAuthTestApp } from '@app/testing';
import { AuthModule, createVerifier } from './auth.module.js';
import type { AuthOptions } from './auth.types.js';

const JOB_TOKEN = 'job-secret-0123456789';
const OPERATOR_TOKEN = 'operator-secret-0123456789';
const EXPORT_TOKEN = 'export-secret-0123456789';
const VIEWER_TOKEN = 'viewer-secret-0123456789';
const VIEWER_EMAIL = 'on-duty@example.org';

/** A token as Cloud Run forwards it after its IAM check: payload intact, signature removed. */
const forwarded = (claims: Record<string, unknown>) => {
  const encode = (part: object) => Buffer.from(JSON.stringify(part)).toString('base64url');
  return `Bearer ${encode({ alg: 'RS256', kid: 'k', typ: 'JWT' })}.${encode(claims)}.SIGNATURE_REMOVED`;
};

describe('viewer role, token mode', () => {
  let app: INestApplication;

  beforeAll(async () => {
    app = await createAuthTestApp(
      AuthModule.forRoot({
        mode: 'token',
        jobToken: JOB_TOKEN,
        operatorToken: OPERATOR_TOKEN,
        exportToken: EXPORT_TOKEN,
        viewerToken: VIEWER_TOKEN,
        jobEmails: [],
        operatorEmails: [],
      }),
    );
  });
  afterAll(() => app.close());

  const get = (path: string, token: string) =>
    request(app.getHttpServer()).get(path).set('Authorization', `Bearer ${token}`);

  it('reaches a viewer route, as does an operator', async () => {
    const asViewer = await get('/view', VIEWER_TOKEN).expect(200);
    expect(asViewer.body.principal).toEqual({ subject: 'token:viewer', roles: ['viewer'], via: 'token' });
    await get('/view', OPERATOR_TOKEN).expect(200);
  });

  it.each(['/job', '/operator', '/either', '/export'])('is refused on %s (403)', async (path) => {
    const response = await get(path, VIEWER_TOKEN).expect(403);
    expect(response.body.message).toMatch(/^caller token:viewer is not allowed to call /);
  });

  it('job and export tokens do not reach a viewer route', async () => {
    await get('/view', JOB_TOKEN).expect(403);
    await get('/view', EXPORT_TOKEN).expect(403);
  });
});

describe('viewer role, iam mode', () => {
  let app: INestApplication;

  beforeAll(async () => {
    app = await createAuthTestApp(
      AuthModule.forRoot({
        mode: 'iam',
        jobEmails: [],
        operatorEmails: [],
        viewerEmails: [VIEWER_EMAIL.toUpperCase()],
      }),
    );
  });
  afterAll(() => app.close());

  const get = (path: string, email: string) =>
    request(app.getHttpServer())
      .get(path)
      .set('Authorization', forwarded({ sub: '9', email }));

  it('gives a listed address the viewer role only', async () => {
    const response = await get('/view', VIEWER_EMAIL).expect(200);
    expect(response.body.principal).toEqual({
      subject: '9',
      email: VIEWER_EMAIL,
      roles: ['viewer'],
      via: 'iam',
    });
    await get('/operator', VIEWER_EMAIL).expect(403);
    await get('/view', 'someone@example.org').expect(403);
  });
});

describe('viewer token checked at boot', () => {
  const base = {
    mode: 'token' as const,
    jobToken: JOB_TOKEN,
    operatorToken: OPERATOR_TOKEN,
    exportToken: EXPORT_TOKEN,
    jobEmails: [],
    operatorEmails: [],
  };
  it.each<[string, AuthOptions]>([
    ['the job secret', { ...base, viewerToken: JOB_TOKEN }],
    ['the operator secret', { ...base, viewerToken: OPERATOR_TOKEN }],
    ['the export secret', { ...base, viewerToken: EXPORT_TOKEN }],
  ])('refuses %s as the viewer secret', (_case, options) => {
    expect(() => createVerifier(options)).toThrow(
      'AuthOptions.viewerToken must differ from jobToken, operatorToken and exportToken',
    );
  });

  it('without a viewer secret, no one has the viewer role', async () => {
    const app = await createAuthTestApp(AuthModule.forRoot(base));
    try {
      await request(app.getHttpServer())
        .get('/view')
        .set('Authorization', `Bearer ${VIEWER_TOKEN}`)
        .expect(401);
    } finally {
      await app.close();
    }
  });
});
