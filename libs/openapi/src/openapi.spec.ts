import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get, type INestApplication, Post, Query } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import * as Swagger from '@nestjs/swagger';
import request from 'supertest';
import * as OpenApi from './index.js';

type Decorators = Pick<typeof Swagger, 'ApiBody' | 'ApiOperation' | 'ApiQuery' | 'ApiResponse' | 'ApiTags'>;

/** The same controller, documented with the given decorators (class and method, several per target). */
function documentedController(api: Decorators) {
  @api.ApiTags('things')
  @api.ApiResponse({ status: 401, description: 'No token' })
  @Controller('things')
  class ThingsController {
    @Get()
    @api.ApiOperation({ summary: 'List the things' })
    @api.ApiQuery({ name: 'first', required: false })
    @api.ApiQuery({ name: 'second', required: true, schema: { type: 'integer' } })
    @api.ApiResponse({ status: 200, description: 'The things' })
    @api.ApiResponse({ status: 200, description: 'Overridden by the one above' })
    list(@Query('first') first?: string): string {
      return first ?? 'none';
    }

    @Post()
    @api.ApiTags('writes')
    @api.ApiOperation({ summary: 'Add a thing' })
    @api.ApiBody({ required: true, schema: { type: 'object', properties: { name: { type: 'string' } } } })
    add(): string {
      return 'added';
    }
  }
  return ThingsController;
}

function swaggerMetadata(target: object): Record<string, unknown> {
  return Object.fromEntries(
    Reflect.getOwnMetadataKeys(target)
      .filter((key): key is string => typeof key === 'string' && key.startsWith('swagger/'))
      .map((key) => [key, Reflect.getOwnMetadata(key, target) as unknown]),
  );
}

function allSwaggerMetadata(controller: new () => object) {
  const prototype = controller.prototype as Record<string, object>;
  return {
    controller: swaggerMetadata(controller),
    list: swaggerMetadata(prototype['list']),
    add: swaggerMetadata(prototype['add']),
  };
}

describe('@app/openapi decorators', () => {
  it('record, and leave the metadata the real decorators would have set once replayed, in the same order', async () => {
    const real = documentedController(Swagger);
    const recorded = documentedController(OpenApi);
    expect(allSwaggerMetadata(recorded)).toEqual({ controller: {}, list: {}, add: {} });

    await OpenApi.applyOpenApiDecorators();

    const expected = allSwaggerMetadata(real);
    expect(expected.list['swagger/apiParameters']).toHaveLength(2);
    expect(allSwaggerMetadata(recorded)).toEqual(expected);
  });

  it('replay each recorded decorator once, and those of controllers loaded later', async () => {
    const first = documentedController(OpenApi);
    await OpenApi.applyOpenApiDecorators();
    await OpenApi.applyOpenApiDecorators();
    const later = documentedController(OpenApi);
    await OpenApi.applyOpenApiDecorators();
    const expected = allSwaggerMetadata(documentedController(Swagger));
    expect(allSwaggerMetadata(first)).toEqual(expected);
    expect(allSwaggerMetadata(later)).toEqual(expected);
  });
});

describe('ApiLater', () => {
  it('works out its decorators when the document is built, not at class definition, in their place', async () => {
    let described = 0;
    const later = OpenApi.ApiLater(({ ApiQuery }) => {
      described += 1;
      return [ApiQuery({ name: 'first', required: false }), ApiQuery({ name: 'second', required: true })];
    });
    class Real {
      @Swagger.ApiOperation({ summary: 'Later' })
      // Applied bottom-up: first, then second, as ApiLater applies its list.
      @Swagger.ApiQuery({ name: 'second', required: true })
      @Swagger.ApiQuery({ name: 'first', required: false })
      @Swagger.ApiResponse({ status: 200, description: 'ok' })
      list(): void {}
    }
    class Deferred {
      @OpenApi.ApiOperation({ summary: 'Later' })
      @later
      @OpenApi.ApiResponse({ status: 200, description: 'ok' })
      list(): void {}
    }
    expect(described).toBe(0);
    expect(swaggerMetadata(Deferred.prototype.list)).toEqual({});

    await OpenApi.applyOpenApiDecorators();
    await OpenApi.applyOpenApiDecorators();

    expect(described).toBe(1);
    expect(swaggerMetadata(Deferred.prototype.list)).toEqual(swaggerMetadata(Real.prototype.list));
  });
});

describe('openApiDocs', () => {
  let app: INestApplication;
  let documentsBuilt = 0;
  const server = () => request(app.getHttpServer());

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      controllers: [documentedController(OpenApi)],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    app.use(
      OpenApi.openApiDocs({
        docsPath: 'api/docs',
        jsonDocumentUrl: 'api/openapi.json',
        document: ({ DocumentBuilder, SwaggerModule }) => {
          documentsBuilt += 1;
          return SwaggerModule.createDocument(app, new DocumentBuilder().setTitle('docs-spec').build());
        },
        swaggerOptions: { validatorUrl: null },
      }),
    );
    await app.init();
  });
  afterAll(() => app.close());

  it('serves the document built from the replayed decorators, built once', async () => {
    const first = await server().get('/api/openapi.json').expect(200).expect('content-type', /json/);
    await server().get('/api/openapi.json').expect(200);
    expect(documentsBuilt).toBe(1);
    expect(first.body.info.title).toBe('docs-spec');
    const list = first.body.paths['/things'].get;
    expect(list.summary).toBe('List the things');
    expect(list.tags).toEqual(['things']);
    expect(list.parameters.map((p: { name: string }) => p.name)).toEqual(
      expect.arrayContaining(['first', 'second']),
    );
    expect(Object.keys(list.responses)).toEqual(expect.arrayContaining(['200', '401']));
    expect(first.body.paths['/things'].post.requestBody.required).toBe(true);
  });

  it('serves the Swagger UI page, its init script and its assets', async () => {
    const page = await server().get('/api/docs').expect(200).expect('content-type', /html/);
    const assets = [...page.text.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
    expect(assets).toEqual(expect.arrayContaining([expect.stringMatching(/swagger-ui-bundle\.js$/)]));
    for (const asset of assets.filter((a) => !a.startsWith('http'))) {
      await server().get(new URL(asset, 'http://self/api/docs/').pathname).expect(200);
    }
    const init = await server().get('/api/docs/swagger-ui-init.js').expect(200);
    expect(init.text).toContain('List the things');
    await server().get('/api/docs/').expect(200).expect('content-type', /html/);
  });

  it('answers 404 for what is not there, and leaves other paths to the app', async () => {
    await server().get('/api/docs/LICENSE').expect(404);
    await server().get('/api/docs/no-such-asset.js').expect(404);
    await server().get('/api/docsx').expect(404);
    await server().get('/things?first=x').expect(200, 'x');
  });
});
