import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import net from 'node:net';
import request from 'supertest';
import { createAuthTestApp } from '@app/testing';
import { AuthModule, createVerifier } from './auth.module.js';
import type { AuthOptions } from './auth.types.js';

const JOB_TOKEN = 'job-secret-0123456789';
const OPERATOR_TOKEN = 'operator-secret-0123456789';
const EXPORT_TOKEN = 'export-secret-0123456789';
const JOB_EMAIL = 'tasks@project.iam.gserviceaccount.com';
const EXPORT_EMAIL = 'export-puller@project.iam.gserviceaccount.com';

/** A token as Cloud Run forwards it after its IAM check: payload intact, signature removed. */
const forwarded = (claims: Record<string, unknown>) => {
  const encode = (part: object) => Buffer.from(JSON.stringify(part)).toString('base64url');
  return `Bearer ${encode({ alg: 'RS256', kid: 'k', typ: 'JWT' })}.${encode(claims)}.SIGNATURE_REMOVED`;
};

/**
 * GET over a plain socket with the header lines exactly as given (repeats included): supertest and
 * node:http merge or overwrite repeated headers before they reach the wire.
 */
function rawGet(
  app: INestApplication,
  path: string,
  headers: [string, string][],
): Promise<{ status: number; body: unknown; wwwAuthenticate: string | undefined }> {
  const { port } = app.getHttpServer().address() as { port: number };
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      const lines = [`GET ${path} HTTP/1.1`, `Host: 127.0.0.1:${port}`, 'Connection: close'];
      for (const [name, value] of headers) lines.push(`${name}: ${value}`);
      socket.write(`${lines.join('\r\n')}\r\n\r\n`);
    });
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (text += chunk));
    socket.on('error', reject);
    socket.on('end', () => {
      const [head = '', body = ''] = text.split('\r\n\r\n');
      const [statusLine = '', ...headerLines] = head.split('\r\n');
      const header = (name: string) =>
        headerLines
          .find((l) => l.toLowerCase().startsWith(`${name}:`))
          ?.slice(name.length + 1)
          .trim();
      resolve({
        status: Number(statusLine.split(' ')[1]),
        body: JSON.parse(body) as unknown,
        wwwAuthenticate: header('www-authenticate'),
      });
    });
  });
}

describe('export role, token mode', () => {
  let app: INestApplication;

  beforeAll(async () => {
    app = await createAuthTestApp(
      AuthModule.forRoot({
        mode: 'token',
        jobToken: JOB_TOKEN,
        operatorToken: OPERATOR_TOKEN,
        exportToken: EXPORT_TOKEN,
        jobEmails: [],
        operatorEmails: [],
      }),
    );
    await app.listen(0, '127.0.0.1');
  });
  afterAll(() => app.close());

  const get = (path: string, token: string) =>
    request(app.getHttpServer()).get(path).set('Authorization', `Bearer ${token}`);

  it('reaches an export route, as does an operator', async () => {
    const asExport = await get('/export', EXPORT_TOKEN).expect(200);
    expect(asExport.body.principal).toEqual({ subject: 'token:export', roles: ['export'], via: 'token' });
    await get('/export', OPERATOR_TOKEN).expect(200);
  });

  it.each(['/job', '/operator', '/either'])('is refused on %s (403)', async (path) => {
    const response = await get(path, EXPORT_TOKEN).expect(403);
    expect(response.body.message).toMatch(/^caller token:export is not allowed to call /);
  });

  it('a job token does not reach a route for export and operator only', async () => {
    await get('/export', JOB_TOKEN).expect(403);
  });

  it.each<[string, [string, string][], string]>([
    [
      'two Authorization headers (first valid)',
      [
        ['Authorization', `Bearer ${EXPORT_TOKEN}`],
        ['Authorization', 'Bearer other'],
      ],
      'more than one Authorization header',
    ],
    [
      'two Authorization headers (both valid)',
      [
        ['Authorization', `Bearer ${EXPORT_TOKEN}`],
        ['Authorization', `Bearer ${EXPORT_TOKEN}`],
      ],
      'more than one Authorization header',
    ],
    [
      'Authorization and authorization',
      [
        ['Authorization', `Bearer ${OPERATOR_TOKEN}`],
        ['authorization', `Bearer ${EXPORT_TOKEN}`],
      ],
      'more than one Authorization header',
    ],
    [
      'two X-Serverless-Authorization headers',
      [
        ['Authorization', `Bearer ${EXPORT_TOKEN}`],
        ['X-Serverless-Authorization', 'Bearer a'],
        ['X-Serverless-Authorization', 'Bearer b'],
      ],
      'more than one X-Serverless-Authorization header',
    ],
  ])('refuses %s with 401', async (_case, headers, message) => {
    const response = await rawGet(app, '/export', headers);
    expect(response).toEqual({
      status: 401,
      body: { statusCode: 401, error: 'Unauthorized', message },
      wwwAuthenticate: 'Bearer',
    });
  });

  it('still accepts one Authorization header sent the raw way', async () => {
    const response = await rawGet(app, '/export', [['Authorization', `Bearer ${EXPORT_TOKEN}`]]);
    expect(response.status).toBe(200);
  });
});

describe('export role, iam mode', () => {
  let app: INestApplication;

  beforeAll(async () => {
    app = await createAuthTestApp(
      AuthModule.forRoot({
        mode: 'iam',
        jobEmails: [JOB_EMAIL],
        operatorEmails: [],
        exportEmails: [EXPORT_EMAIL.toUpperCase()],
      }),
    );
  });
  afterAll(() => app.close());

  const get = (path: string, email: string) =>
    request(app.getHttpServer())
      .get(path)
      .set('Authorization', forwarded({ sub: '7', email }));

  it('gives a listed service account the export role only', async () => {
    const response = await get('/export', EXPORT_EMAIL).expect(200);
    expect(response.body.principal).toEqual({
      subject: '7',
      email: EXPORT_EMAIL,
      roles: ['export'],
      via: 'iam',
    });
    await get('/job', EXPORT_EMAIL).expect(403);
    await get('/either', EXPORT_EMAIL).expect(403);
  });

  it('does not let a job caller or a stranger read the export', async () => {
    await get('/export', JOB_EMAIL).expect(403);
    await get('/export', 'someone@example.com').expect(403);
  });
});

describe('export token checked at boot', () => {
  const base = {
    mode: 'token' as const,
    jobToken: JOB_TOKEN,
    operatorToken: OPERATOR_TOKEN,
    jobEmails: [],
    operatorEmails: [],
  };
  it.each<[string, AuthOptions]>([
    ['the job secret', { ...base, exportToken: JOB_TOKEN }],
    ['the operator secret', { ...base, exportToken: OPERATOR_TOKEN }],
  ])('refuses %s as the export secret', (_case, options) => {
    expect(() => createVerifier(options)).toThrow(
      'AuthOptions.exportToken must differ from jobToken and operatorToken',
    );
  });

  it('without an export secret, no one has the export role', async () => {
    const app = await createAuthTestApp(AuthModule.forRoot(base));
    try {
      await request(app.getHttpServer())
        .get('/export')
        .set('Authorization', `Bearer ${EXPORT_TOKEN}`)
        .expect(401);
    } finally {
      await app.close();
    }
  });
});
