import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get, type INestApplication } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { AuthModule, Public } from '@app/auth';
import { DbModule, Prisma } from '@app/db';
import { AllExceptionsFilter, configureService, HealthModule } from './index.js';

@Controller('boom')
class BoomController {
  @Get('plain')
  @Public()
  plain(): never {
    throw new Error('database password is hunter2');
  }

  @Get('duplicate')
  @Public()
  duplicate(): never {
    throw new Prisma.PrismaClientKnownRequestError('Unique constraint failed', {
      code: 'P2002',
      clientVersion: 'test',
      meta: { target: ['email'] },
    });
  }

  @Get('missing')
  @Public()
  missing(): never {
    throw new Prisma.PrismaClientKnownRequestError('No record', { code: 'P2025', clientVersion: 'test' });
  }
}

/** An app whose database does not answer: nothing listens on port 1. */
describe('service basics', () => {
  let app: INestApplication;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        DbModule.forRootAsync({
          useFactory: () => ({
            url: 'postgresql://postgres@127.0.0.1:1/postgres',
            poolSize: 1,
            connectTimeoutMs: 500,
            embeddedDataDir: '',
          }),
        }),
        AuthModule.forRoot({
          mode: 'token',
          jobToken: 'service-spec-token-0123456789',
          jobEmails: [],
          operatorEmails: [],
        }),
        HealthModule,
      ],
      controllers: [BoomController],
      providers: [{ provide: APP_FILTER, useClass: AllExceptionsFilter }],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    configureService(app, { app: 'service-spec', description: 'test' });
    await app.init();
  });
  afterAll(() => app.close());

  it('healthz answers without the database; readyz says the database is unreachable', async () => {
    await request(app.getHttpServer()).get('/healthz').expect(200, { status: 'ok' });
    const ready = await request(app.getHttpServer()).get('/readyz').expect(503);
    expect(ready.body).toMatchObject({ status: 'unavailable', database: 'unreachable' });
  });

  it('answers an unexpected error with 500, a correlation id, and no internals', async () => {
    const response = await request(app.getHttpServer())
      .get('/boom/plain')
      .set('X-Request-Id', 'req-123')
      .expect(500);
    expect(response.body).toMatchObject({ statusCode: 500, correlationId: 'req-123' });
    expect(response.text).not.toContain('hunter2');
    expect(response.headers['x-request-id']).toBe('req-123');
  });

  it.each([
    ['/boom/duplicate', 409, /same email already exists/],
    ['/boom/missing', 404, /does not exist/],
  ])('maps Prisma errors: %s -> %i', async (path, status, message) => {
    const response = await request(app.getHttpServer()).get(path).expect(status);
    expect(response.body.message).toMatch(message);
  });

  it('serves the OpenAPI document and the docs page', async () => {
    const json = await request(app.getHttpServer()).get('/api/openapi.json').expect(200);
    expect(json.body.info.title).toBe('service-spec');
    expect(Object.keys(json.body.paths)).toEqual(expect.arrayContaining(['/healthz', '/readyz']));
    const page = await request(app.getHttpServer()).get('/api/docs').expect(200);
    expect(page.text).toContain('swagger');
  });
});
