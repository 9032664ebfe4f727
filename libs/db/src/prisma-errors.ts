import { ConflictException, NotFoundException, ServiceUnavailableException } from '@nestjs/common';
import { Prisma } from './generated/client.js';

/**
 * Translates the Prisma errors that mean something to a caller into HTTP exceptions:
 * unique violation -> 409, record not found -> 404, connection trouble -> 503. Anything else is
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
      case 'P1001':
      case 'P1002':
      case 'P2024':
        return new ServiceUnavailableException('The database is not reachable');
      default:
        return error;
    }
  }
  if (error instanceof Prisma.PrismaClientInitializationError) {
    return new ServiceUnavailableException('The database is not reachable');
  }
  return error;
}
