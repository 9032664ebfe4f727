import { ConflictException, NotFoundException, ServiceUnavailableException } from '@nestjs/common';
import * as Prisma from './prisma-namespace.js';

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
        // Only the two timeouts mean load: a transaction that could not start in time, or one that
        // expired while it waited. Prisma's other P2028s (a transaction used after it closed, not
        // found, nested) are our bugs and stay 500s with a stack and a correlation id.
        return isTransactionTimeout(error.message)
          ? new DatabaseBusyException('transaction_timeout', error.code)
          : error;
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
  // With @prisma/adapter-pg node-postgres' own errors reach us as it threw them.
  if (causedBy(error, POOL_TIMEOUT_MESSAGE))
    return new DatabaseBusyException('pool_timeout', POOL_TIMEOUT_MESSAGE);
  // A new connection that could not be opened in time (a database down or unreachable): an outage.
  if (causedBy(error, CONNECT_TIMEOUT_MESSAGE))
    return new ServiceUnavailableException('The database is not reachable');
  return error;
}

/** node-postgres, when a new connection is not established within `connectionTimeoutMillis`. */
const CONNECT_TIMEOUT_MESSAGE = 'Connection terminated due to connection timeout';

const TRANSACTION_TIMEOUTS = [
  'Unable to start a transaction in the given time',
  'cannot be executed on an expired transaction',
];

function isTransactionTimeout(message: string): boolean {
  return TRANSACTION_TIMEOUTS.some((text) => message.includes(text));
}

function causedBy(error: unknown, message: string): boolean {
  for (let e = error, depth = 0; e instanceof Error && depth < 4; e = e.cause, depth++) {
    if (e.message === message) return true;
  }
  return false;
}
