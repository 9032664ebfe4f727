import {
  BadGatewayException,
  ConflictException,
  HttpException,
  NotFoundException,
  ServiceUnavailableException,
} from '@nestjs/common';
import { SupervisorFaultError, SupervisorUnreachableError } from './supervisor.errors.js';
import { FAULTS } from './supervisor.types.js';

/**
 * The HTTP answer for a supervisord failure: BAD_NAME 404, ALREADY_STARTED / NOT_RUNNING 409,
 * SHUTDOWN_STATE 503, unreachable and every other fault 502; each names the instance. Anything else
 * is rethrown as it is.
 */
export function toHttpError(error: unknown): unknown {
  if (error instanceof SupervisorUnreachableError) return new BadGatewayException(error.message);
  if (!(error instanceof SupervisorFaultError)) return error;
  const body = (status: number, label: string) => ({
    statusCode: status,
    error: label,
    message: error.message,
    fault: { code: error.faultCode, name: faultName(error.faultString) },
  });
  switch (error.faultCode) {
    case FAULTS.BAD_NAME:
    case FAULTS.NO_FILE:
      return new NotFoundException(body(404, 'Not Found'));
    case FAULTS.ALREADY_STARTED:
    case FAULTS.NOT_RUNNING:
      return new ConflictException(body(409, 'Conflict'));
    case FAULTS.SHUTDOWN_STATE:
      return new ServiceUnavailableException(body(503, 'Service Unavailable'));
    default:
      return new HttpException(body(502, 'Bad Gateway'), 502);
  }
}

/** `BAD_NAME` from `BAD_NAME: foo`. */
const faultName = (faultString: string): string => /^[A-Z_]+/.exec(faultString)?.[0] ?? 'FAULT';

/** Runs a supervisord call and answers its failure as {@link toHttpError} says. */
export async function asHttp<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw toHttpError(error);
  }
}
