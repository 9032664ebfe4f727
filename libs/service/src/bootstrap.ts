import type { DynamicModule, INestApplication, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ConfigError } from '@app/config';
import { MigrationError } from '@app/db';
import { openApiDocs } from '@app/openapi';
import { documentJobs, JobRegistry } from '@app/jobs';
import helmet from 'helmet';
import { createLogger, NestJsonLogger, requestContextMiddleware, type AppLogger } from '@app/logging';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { loggedAsWarning } from './all-exceptions.filter.js';

export interface ServiceOptions {
  app: string;
  description: string;
  port: number;
  logLevel: string;
  projectId?: string;
}

/**
 * Helmet's headers (nosniff, no-referrer, HSTS, frame and cross-origin policies; no X-Powered-By)
 * with one Content-Security-Policy for every response. The API answers JSON and CSV, which a CSP
 * does not affect; the policy is written for the one HTML page, the Swagger UI at /api/docs: its
 * scripts and stylesheet are files served from here, it sets inline styles and draws icons from
 * data: URLs, and "Try it out" calls this origin. No inline or remote script runs. Without
 * `upgrade-insecure-requests`: local runs are plain http, and Cloud Run is https only anyway.
 */
const securityHeaders = helmet({
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'self'"],
      baseUri: ["'self'"],
      connectSrc: ["'self'"],
      fontSrc: ["'self'", 'data:'],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
      imgSrc: ["'self'", 'data:'],
      objectSrc: ["'none'"],
      scriptSrc: ["'self'"],
      scriptSrcAttr: ["'none'"],
      styleSrc: ["'self'", "'unsafe-inline'"],
    },
  },
  referrerPolicy: { policy: 'no-referrer' },
});

/**
 * What every app does to itself after creation, in production and in end-to-end tests alike:
 * request ids and trace ids on every log line, an access log, security headers on every response,
 * OpenAPI at /api/openapi.json with a browsable page at /api/docs, shutdown hooks for Cloud Run's SIGTERM.
 */
export function configureService(
  app: INestApplication,
  options: Omit<ServiceOptions, 'port' | 'logLevel'>,
  logger?: AppLogger,
): void {
  app.use(securityHeaders);
  app.use(requestContextMiddleware);
  if (logger !== undefined) app.use(accessLog(logger));
  app.enableShutdownHooks();
  // @nestjs/swagger is loaded, and the document built, on the first request for the page or the
  // document, not on every cold start.
  app.use(
    openApiDocs({
      docsPath: 'api/docs',
      jsonDocumentUrl: 'api/openapi.json',
      document: ({ DocumentBuilder, SwaggerModule }) => {
        const document = SwaggerModule.createDocument(
          app,
          new DocumentBuilder()
            .setTitle(options.app)
            .setDescription(options.description)
            .addBearerAuth({
              type: 'http',
              scheme: 'bearer',
              description: 'Job token, or a Google-signed ID token',
            })
            .addSecurityRequirements('bearer')
            .build(),
        );
        // The job endpoints' names and bodies are the app's jobs: known once the app is built.
        const registry = jobRegistryOf(app);
        if (registry !== undefined) documentJobs(document, registry.all());
        return document;
      },
      // The validator badge would load an image from validator.swagger.io, which the CSP refuses.
      swaggerOptions: { validatorUrl: null },
    }),
  );
}

function accessLog(logger: AppLogger) {
  return (req: IncomingMessage, res: ServerResponse, next: () => void) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const path = (req.url ?? '').split('?')[0] ?? '';
      if (path === '/healthz' && res.statusCode === 200) return;
      const latencyMs = Number(process.hrtime.bigint() - started) / 1e6;
      // A busy database's 503 was logged where it happened, once, as a warning: not an error here.
      const warned = loggedAsWarning(res);
      logger[res.statusCode >= 500 && !warned ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'](
        {
          httpRequest: {
            requestMethod: req.method,
            requestUrl: path,
            status: res.statusCode,
            latency: `${(latencyMs / 1000).toFixed(3)}s`,
            userAgent: req.headers['user-agent'],
          },
        },
        `${req.method} ${path} ${res.statusCode}`,
      );
    });
    next();
  };
}

/** Creates, configures and starts an app; used by each app's main.ts. */
export async function bootstrapService(
  module: Type | DynamicModule,
  options: ServiceOptions,
): Promise<INestApplication> {
  const logger = createLogger({ app: options.app, level: options.logLevel, projectId: options.projectId });
  const app = await NestFactory.create(module, { logger: new NestJsonLogger(logger), bufferLogs: true });
  configureService(app, options, logger);
  await app.listen(options.port);
  logger.info(
    { event: 'listening', port: options.port },
    `${options.app} listening on http://127.0.0.1:${options.port}`,
  );
  return app;
}

/**
 * An app's whole main.ts: validate the environment, build the app module from it, serve. A bad
 * setting or a failed start is one CRITICAL log line (naming variables, never values) and exit 1.
 */
export function runService<
  C extends { PORT: number; LOG_LEVEL: string; GOOGLE_CLOUD_PROJECT?: string },
>(options: {
  app: string;
  description: string;
  loadConfig: () => C;
  module: (config: C) => DynamicModule;
}): void {
  const start = async () => {
    const config = options.loadConfig();
    await bootstrapService(options.module(config), {
      app: options.app,
      description: options.description,
      port: config.PORT,
      logLevel: config.LOG_LEVEL,
      projectId: config.GOOGLE_CLOUD_PROJECT,
    });
  };
  start().catch((error: unknown) => {
    const message =
      error instanceof ConfigError || error instanceof MigrationError
        ? error.message
        : error instanceof Error
          ? (error.stack ?? error.message)
          : String(error);
    process.stderr.write(
      `${JSON.stringify({ severity: 'CRITICAL', app: options.app, message: `${options.app} did not start: ${message}` })}\n`,
    );
    process.exit(1);
  });
}

/** The app's job registry, or undefined for an app (a test's) without the job contract. */
function jobRegistryOf(app: INestApplication): JobRegistry | undefined {
  try {
    return app.get(JobRegistry, { strict: false });
  } catch {
    return undefined;
  }
}
