import { type ArgumentsHost, Catch, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { CufsUnavailableError } from './cufs-unavailable.error.js';

/** "Unknown is not invalid": CUFS did not answer, so the caller hears 503 and when to try again. */
@Catch(CufsUnavailableError)
export class CufsUnavailableFilter implements ExceptionFilter<CufsUnavailableError> {
  catch(error: CufsUnavailableError, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    response.setHeader('Retry-After', String(error.retryAfterSeconds));
    response.status(503).json({
      statusCode: 503,
      error: 'Service Unavailable',
      message:
        'The finance system (CUFS) could not be reached, so the code was not checked: it is neither valid nor invalid. ' +
        `Try again in ${error.retryAfterSeconds} seconds.`,
      checked: false,
      retryAfterSeconds: error.retryAfterSeconds,
    });
  }
}
