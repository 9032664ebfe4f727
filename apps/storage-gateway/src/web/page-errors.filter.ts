import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { mapPrismaError } from '@app/db';
import { requestContext } from '@app/logging';
import type { RequestWithWebUser } from '@app/auth';
import { httpMessageOf } from '@app/service';
import { PagesRenderer, viewerOf } from './pages.renderer.js';

const TITLES: Record<number, string> = {
  400: 'Something in the form needs a look',
  401: 'Please sign in',
  403: 'Not for you',
  404: 'Page not found',
  409: 'That cannot be done now',
  413: 'The file is too large',
  503: 'Please try again shortly',
};

/**
 * Errors on pages are pages: 404 for what does not exist or is not yours (the same words either way),
 * 403, a 409 that says what stands in the way, and a 500 with the correlation id to quote, never a
 * stack trace. The message shown is the exception's own (written for people by the services); a
 * 500's is never shown.
 */
@Catch()
export class PageErrorsFilter implements ExceptionFilter {
  private readonly logger = new Logger('PageErrors');

  constructor(private readonly pages: PagesRenderer) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const res = http.getResponse<Response>();
    const req = http.getRequest<RequestWithWebUser>();
    const mapped = mapPrismaError(exception);
    const correlationId = requestContext.getStore()?.requestId ?? null;
    let status = 500;
    let message = 'Something went wrong on our side. Nothing you did caused it.';
    if (mapped instanceof HttpException) {
      status = mapped.getStatus();
      message = httpMessageOf(mapped);
      if (status === 503) {
        const retry = res.getHeader('Retry-After');
        if (retry !== undefined) res.setHeader('Retry-After', retry);
      }
    } else {
      this.logger.error(
        { event: 'unhandled_error', correlationId, err: exception },
        'Unhandled error on a page',
      );
    }
    if (res.headersSent) return;
    const viewer = req.webUser === undefined ? null : viewerOf(req.webUser);
    this.pages.send(
      res,
      'error',
      TITLES[status] ?? (status >= 500 ? 'Something went wrong' : 'That did not work'),
      viewer,
      { status, message, correlationId: status >= 500 ? correlationId : null },
      status,
    );
  }
}
