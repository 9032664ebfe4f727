import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Response } from 'express';
import type { RequestWithWebUser } from '@app/auth';
import { requestContext } from '@app/logging';
import { httpMessageOf } from '@app/service';
import { PagesRenderer, viewerOf } from './pages.renderer.js';

const TITLES: Record<number, string> = {
  400: 'Something in the request needs a look',
  401: 'Please sign in',
  403: 'Not allowed',
  404: 'Page not found',
  409: 'That cannot be done now',
  502: 'An instance did not answer',
  503: 'Please try again shortly',
};

/**
 * Errors on pages are pages: 404 for an unknown instance or program, 403 (a viewer acting, a
 * missing CSRF token), 409, 502, and a 500 with the correlation id to quote, never a stack trace.
 * The message shown is the exception's own (written for people by the services); a 500's never is.
 */
@Catch()
export class PageErrorsFilter implements ExceptionFilter {
  private readonly logger = new Logger('PageErrors');

  constructor(private readonly pages: PagesRenderer) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const res = http.getResponse<Response>();
    const req = http.getRequest<RequestWithWebUser>();
    const correlationId = requestContext.getStore()?.requestId ?? null;
    let status = 500;
    let message = 'Something went wrong on our side.';
    if (exception instanceof HttpException) {
      status = exception.getStatus();
      message = httpMessageOf(exception);
      // The sign-in redirect the web guard asks for (its Location is already set).
      if (status === 302) {
        if (!res.headersSent) res.status(302).end();
        return;
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
