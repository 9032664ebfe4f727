import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  HttpException,
  Inject,
  Logger,
  NotFoundException,
  Optional,
} from '@nestjs/common';
import { DatabaseBusyException, mapPrismaError } from '@app/db';
import { requestContext } from '@app/logging';
import type { Request, Response } from 'express';

const LOGGED_AS_WARNING = Symbol('usp.loggedAsWarning');

/**
 * Marks a response whose cause was logged once as a warning where it happened (a busy database): the
 * access log then writes its 5xx at warning too, not a second line at error.
 */
export function markLoggedAsWarning(response: object): void {
  (response as Record<symbol, unknown>)[LOGGED_AS_WARNING] = true;
}

export function loggedAsWarning(response: object): boolean {
  return (response as Record<symbol, unknown>)[LOGGED_AS_WARNING] === true;
}
/**
 * An app with pages gives this (a global provider) to answer a browser's GET of an address that
 * matches no route with its own 404 page; without it, or for anything else, the answer is JSON.
 */
export interface UnmatchedRoutePage {
  render(host: ArgumentsHost): void;
}
export const UNMATCHED_ROUTE_PAGE = Symbol('UNMATCHED_ROUTE_PAGE');

/**
 * The one place errors become HTTP: HttpExceptions keep their status and body (malformed JSON
 * arrives as one, a 400, from Nest's body parser); known Prisma errors map to 404/409/503; a busy
 * database (pool or transaction timeout) is a 503 with `Retry-After`, logged as one warning without
 * a stack, because under load it is expected and a trace per request would flood the log; anything
 * else is logged once and answered with a 500 that carries a correlation id (the request id in the
 * logs) and no internals.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  constructor(@Optional() @Inject(UNMATCHED_ROUTE_PAGE) private readonly page?: UnmatchedRoutePage) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    if (this.page !== undefined && exception instanceof NotFoundException) {
      const request = host.switchToHttp().getRequest<Request & { route?: unknown }>();
      // No route matched (express sets req.route on a match), and a browser asked for a page.
      const browser = request.method === 'GET' && (request.headers.accept ?? '').includes('text/html');
      if (request.route === undefined && browser) {
        this.page.render(host);
        return;
      }
    }
    const mapped = mapPrismaError(exception);
    if (mapped instanceof DatabaseBusyException) {
      const correlationId = requestContext.getStore()?.requestId ?? null;
      this.logger.warn(
        { event: 'database_busy', reason: mapped.reason, detail: mapped.detail, correlationId },
        'Database busy: answered 503 with Retry-After',
      );
      response.setHeader('Retry-After', String(mapped.retryAfterSeconds));
      markLoggedAsWarning(response);
    }
    if (mapped instanceof HttpException) {
      const body = mapped.getResponse();
      response
        .status(mapped.getStatus())
        .json(typeof body === 'string' ? { statusCode: mapped.getStatus(), message: body } : body);
      return;
    }
    const correlationId = requestContext.getStore()?.requestId ?? null;
    this.logger.error({ event: 'unhandled_error', correlationId, err: exception }, 'Unhandled error');
    response.status(500).json({
      statusCode: 500,
      error: 'Internal Server Error',
      message: 'Something went wrong on our side; quote the correlation id when reporting it',
      correlationId,
    });
  }
}
