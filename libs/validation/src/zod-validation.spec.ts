import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get, type INestApplication, Put } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { z } from 'zod';
import { configureService } from '@app/service';
import { limitQuery, ZodBody, ZodQuery } from './index.js';

describe('limitQuery', () => {
  const query = z.strictObject({ limit: limitQuery({ default: 20, max: 200 }) });

  it.each([
    [{}, 20],
    [{ limit: '1' }, 1],
    [{ limit: '200' }, 200],
    [{ limit: '007' }, 7],
  ])('%j -> %i', (input, expected) => {
    expect(query.parse(input)).toEqual({ limit: expected });
  });

  it.each([
    [{ limit: '' }],
    [{ limit: '0' }],
    [{ limit: '201' }],
    [{ limit: '-1' }],
    [{ limit: '1.5' }],
    [{ limit: '1e2' }],
    [{ limit: ' 5' }],
    [{ limit: 'abc' }],
    [{ limit: '99999999999999999999' }],
    [{ limit: ['1', '2'] }],
    [{ limit: { a: '1' } }],
  ])('%j is refused, naming the parameter', (input) => {
    const parsed = query.safeParse(input);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((issue) => [issue.path, issue.message])).toEqual([
      [['limit'], 'limit must be a whole number from 1 to 200'],
    ]);
  });

  it('names another parameter when told to', () => {
    const parsed = z
      .object({ top: limitQuery({ default: 5, max: 10, name: 'top' }) })
      .safeParse({ top: '11' });
    expect(parsed.error?.issues[0]?.message).toBe('top must be a whole number from 1 to 10');
  });

  it('refuses a default outside 1..max when the schema is built', () => {
    expect(() => limitQuery({ default: 0, max: 10 })).toThrow(/default 0/);
    expect(() => limitQuery({ default: 11, max: 10 })).toThrow(/default 11/);
  });
});

const thingSchema = z.strictObject({
  name: z.string().min(1, { error: 'name must not be empty' }),
  size: z.number().int().positive(),
  tags: z.array(z.string()).optional(),
});

const searchSchema = z.strictObject({
  q: z.string({ error: 'q must be given once' }).optional(),
  limit: limitQuery({ default: 20, max: 50 }),
});

@Controller('things')
class ThingsController {
  @Put()
  put(@ZodBody(thingSchema) thing: z.output<typeof thingSchema>): unknown {
    return { received: thing };
  }

  @Put('named')
  named(
    @ZodBody(thingSchema, { message: 'The thing is not valid' }) thing: z.output<typeof thingSchema>,
  ): unknown {
    return { received: thing };
  }

  @Get()
  search(@ZodQuery(searchSchema) query: z.output<typeof searchSchema>): unknown {
    return { received: query };
  }
}

describe('ZodBody and ZodQuery through a real app', () => {
  let app: INestApplication;
  const server = () => request(app.getHttpServer());

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({ controllers: [ThingsController] }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    configureService(app, { app: 'zod-spec', description: 'test' });
    await app.init();
  });
  afterAll(() => app.close());

  it('hands the parsed body and query to the handler', async () => {
    const put = await server().put('/things').send({ name: 'a', size: 2 }).expect(200);
    expect(put.body).toEqual({ received: { name: 'a', size: 2 } });
    const get = await server().get('/things?q=x&limit=7').expect(200);
    expect(get.body).toEqual({ received: { q: 'x', limit: 7 } });
    expect((await server().get('/things').expect(200)).body).toEqual({ received: { limit: 20 } });
  });

  it.each([
    [
      'a wrong field and a missing one',
      { name: '', tags: ['a', 3] },
      [
        { field: 'name', message: 'name must not be empty' },
        { field: 'size', message: expect.stringMatching(/expected number/) },
        { field: 'tags.1', message: expect.stringMatching(/expected string/) },
      ],
    ],
    [
      'an unknown field',
      { name: 'a', size: 1, colour: 'red' },
      [{ field: '(body)', message: expect.stringMatching(/colour/) }],
    ],
    ['no object at all', [1, 2], [{ field: '(body)', message: expect.stringMatching(/expected object/) }]],
  ])('a body with %s is a 400 naming each field', async (_case, body, problems) => {
    const response = await server().put('/things').send(body).expect(400);
    expect(response.body.problems).toEqual(problems);
    expect(response.body.message).toMatch(/^The body is not valid: /);
  });

  it('an empty body is a 400, not a 500', async () => {
    const response = await server().put('/things').expect(400);
    expect(response.body.problems).toEqual([{ field: '(body)', message: expect.any(String) }]);
  });

  it('keeps a message given by the endpoint', async () => {
    const response = await server().put('/things/named').send({ name: 'a' }).expect(400);
    expect(response.body).toMatchObject({
      message: 'The thing is not valid',
      problems: [{ field: 'size', message: expect.any(String) }],
    });
  });

  it.each([
    ['?limit=0', 'limit', /^The query is not valid: limit must be a whole number from 1 to 50$/],
    ['?limit=5&limit=6', 'limit', /limit must be a whole number from 1 to 50/],
    ['?q=a&q=b', 'q', /q must be given once/],
    ['?limt=5', '(query)', /limt/],
  ])('GET /things%s is a 400 naming %s', async (query, field, message) => {
    const response = await server().get(`/things${query}`).expect(400);
    expect(response.body.message).toMatch(message);
    expect(response.body.problems).toEqual([{ field, message: expect.any(String) }]);
  });

  it('puts the schemas in the OpenAPI document', async () => {
    const document = (await server().get('/api/openapi.json').expect(200)).body;
    const put = document.paths['/things'].put;
    expect(put.requestBody.content['application/json'].schema).toMatchObject({
      type: 'object',
      properties: { name: { type: 'string', minLength: 1 }, size: { type: 'integer' } },
      required: ['name', 'size'],
      additionalProperties: false,
    });
    const parameters = document.paths['/things'].get.parameters;
    expect(parameters).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'q', in: 'query', required: false, schema: { type: 'string' } }),
        expect.objectContaining({
          name: 'limit',
          in: 'query',
          required: false,
          description: '1 to 50, default 20',
          schema: expect.objectContaining({ type: 'string' }),
        }),
      ]),
    );
    expect(parameters).toHaveLength(2);
  });
});
