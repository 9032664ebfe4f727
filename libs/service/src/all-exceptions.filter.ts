import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { DatabaseBusyException, mapPrismaError } from '@app/db';
import { requestContext } from '@app/logging';
import type { Response } from 'express';

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

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const mapped = mapPrismaError(exception);
    if (mapped instanceof DatabaseBusyException) {
      const correlationId = requestContext.getStore()?.requestId ?? null;
      this.logger.warn(
        { event: 'database_busy', reason: mapped.reason, detail: mapped.detail, correlationId },
        'Database busy: answered 503 with Retry-After',
      );
      response.setHeader('Retry-After', String(mapped.retryAfterSeconds));
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
