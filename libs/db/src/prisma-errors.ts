import { ConflictException, NotFoundException, ServiceUnavailableException } from '@nestjs/common';
import { Prisma } from './generated/client.js';

/** Seconds a client should wait before retrying after the database was too busy to serve it. */
export const DATABASE_BUSY_RETRY_AFTER_SECONDS = 3;

/** node-postgres' pool gives up waiting for a free connection with exactly this error (pg-pool). */
const POOL_TIMEOUT_MESSAGE = 'timeout exceeded when trying to connect';

export type DatabaseBusyReason = 'pool_timeout' | 'transaction_timeout';

/**
 * The database is up but every connection was busy for longer than we wait (overload): HTTP 503
 * with `Retry-After`. Expected under load, so it is logged as one warning line, without a stack.
 */
export class DatabaseBusyException extends ServiceUnavailableException {
  readonly retryAfterSeconds = DATABASE_BUSY_RETRY_AFTER_SECONDS;

  constructor(
    readonly reason: DatabaseBusyReason,
    /** Prisma's error code, or the pool's message: what the warning line records. */
    readonly detail: string,
  ) {
    super({
      statusCode: 503,
      error: 'Service Unavailable',
      message: `The database is busy; retry in ${DATABASE_BUSY_RETRY_AFTER_SECONDS} seconds`,
    });
  }
}

/**
 * Translates the Prisma errors that mean something to a caller into HTTP exceptions:
 * unique violation -> 409, record not found -> 404, connection trouble -> 503, a pool or
 * transaction that timed out waiting -> 503 {@link DatabaseBusyException}. Anything else is
 * returned unchanged for the app's catch-all filter.
 */
export function mapPrismaError(error: unknown): unknown {
  if (error instanceof Prisma.PrismaClientKnownRequestError) {
    switch (error.code) {
      case 'P2002': {
        const target = (error.meta as { target?: unknown } | undefined)?.target;
        const fields = Array.isArray(target)
          ? target.join(', ')
          : typeof target === 'string'
            ? target
            : 'a unique field';
        return new ConflictException(`A record with the same ${fields} already exists`);
      }
      case 'P2025':
        return new NotFoundException('The record does not exist');
      case 'P2024':
        return new DatabaseBusyException('pool_timeout', error.code);
      case 'P2028':
        // "Unable to start a transaction in the given time" or a transaction that expired: both mean
        // it waited too long for a connection or behind other work.
        return new DatabaseBusyException('transaction_timeout', error.code);
      case 'P1001':
      case 'P1002':
        return new ServiceUnavailableException('The database is not reachable');
      default:
        return error;
    }
  }
  if (error instanceof Prisma.PrismaClientInitializationError) {
    return new ServiceUnavailableException('The database is not reachable');
  }
  // With @prisma/adapter-pg the pool's own timeout reaches us as node-postgres threw it.
  if (isPoolTimeout(error)) return new DatabaseBusyException('pool_timeout', POOL_TIMEOUT_MESSAGE);
  return error;
}

function isPoolTimeout(error: unknown): boolean {
  for (let e = error, depth = 0; e instanceof Error && depth < 4; e = e.cause, depth++) {
    if (e.message === POOL_TIMEOUT_MESSAGE) return true;
  }
  return false;
}
