import { HttpException, type INestApplication } from '@nestjs/common';
import type * as Swagger from '@nestjs/swagger';
import type { NextFunction, Request, RequestHandler, Response, Router } from 'express';
import { applyOpenApiDecorators } from './openapi.decorators.js';

export interface OpenApiDocsOptions {
  /** Path of the Swagger UI page, without a leading slash: `api/docs`. */
  docsPath: string;
  /** Path of the OpenAPI document (JSON), without a leading slash: `api/openapi.json`. */
  jsonDocumentUrl: string;
  /** Builds the document (once, on the first request for the page or the document). */
  document: (swagger: typeof Swagger) => Swagger.OpenAPIObject;
  /** Swagger UI's options (`validatorUrl`...). */
  swaggerOptions?: Swagger.SwaggerCustomOptions['swaggerOptions'];
}

/**
 * The OpenAPI document and the Swagger UI page with its assets, as `SwaggerModule.setup` serves
 * them, from a middleware that loads @nestjs/swagger on the first request for one of them: an app
 * that nobody asks for its docs never loads it. Register with `app.use` before `app.init()`.
 */
export function openApiDocs(options: OpenApiDocsOptions): RequestHandler {
  const docsPath = `/${options.docsPath}`.toLowerCase();
  const jsonPath = `/${options.jsonDocumentUrl}`.toLowerCase();
  let router: Promise<Router> | undefined;
  const isDocsRequest = (url: string) => {
    const path = (url.split('?')[0] ?? '').toLowerCase();
    return path === jsonPath || path === docsPath || path.startsWith(`${docsPath}/`);
  };
  return (req: Request, res: Response, next: NextFunction) => {
    if (!isDocsRequest(req.url)) {
      next();
      return;
    }
    router ??= docsRouter(options).catch((error: unknown) => {
      router = undefined;
      throw error;
    });
    router.then(
      (handle) =>
        handle(req, res, (error?: unknown) => {
          if (error === undefined || error === 'route' || error === 'router') next();
          else fail(res, error);
        }),
      (error: unknown) => fail(res, error),
    );
  };
}

/** The routes `SwaggerModule.setup` would add to the app, added to a router of their own. */
async function docsRouter(options: OpenApiDocsOptions): Promise<Router> {
  const swagger = await applyOpenApiDecorators();
  const { default: express } = await import('express');
  const router = express.Router();
  // The part of the Nest app and its HTTP adapter that SwaggerModule.setup uses (express flavour).
  const httpAdapter = {
    getType: () => 'express',
    getRequestUrl: (req: Request) => req.originalUrl,
    get: (path: string, handler: RequestHandler) => router.get(path, handler),
  };
  const target = {
    getHttpAdapter: () => httpAdapter,
    useStaticAssets: (root: string, staticOptions: { prefix: string }) =>
      router.use(staticOptions.prefix, express.static(root)),
  };
  swagger.SwaggerModule.setup(
    options.docsPath,
    target as unknown as INestApplication,
    () => options.document(swagger),
    {
      jsonDocumentUrl: options.jsonDocumentUrl,
      raw: ['json'],
      swaggerOptions: options.swaggerOptions,
    },
  );
  return router;
}

/** An HttpException (a 404 for Swagger UI's LICENSE) keeps its status; anything else is a 500. */
function fail(res: Response, error: unknown): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const status = error instanceof HttpException ? error.getStatus() : 500;
  res.status(status).json({
    statusCode: status,
    message: status === 500 ? 'The API documentation could not be served' : 'Not Found',
  });
}
