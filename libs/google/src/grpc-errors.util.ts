import type { AttemptFailure } from '@app/http';

export const GRPC_DEADLINE_EXCEEDED = 4;
export const GRPC_NOT_FOUND = 5;
export const GRPC_ALREADY_EXISTS = 6;
export const GRPC_PERMISSION_DENIED = 7;
export const GRPC_RESOURCE_EXHAUSTED = 8;
export const GRPC_UNAVAILABLE = 14;

/** The gRPC status code of a Google client error (google-gax's GoogleError), if it has one. */
export function grpcCodeOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'number' ? code : undefined;
}

export function isGrpcCode(error: unknown, code: number): boolean {
  return grpcCodeOf(error) === code;
}

/**
 * A Google client error for `HttpPolicy.run`: UNAVAILABLE, DEADLINE_EXCEEDED and RESOURCE_EXHAUSTED
 * are passing (as 503, 504, 429); every other answer is final.
 */
export function grpcFailure(error: unknown): Omit<AttemptFailure, 'repeatable'> {
  switch (grpcCodeOf(error)) {
    case GRPC_UNAVAILABLE:
      return { status: 503 };
    case GRPC_DEADLINE_EXCEEDED:
      return { status: 504 };
    case GRPC_RESOURCE_EXHAUSTED:
      return { status: 429 };
    case undefined:
      return { transient: false };
    default:
      return { status: 400 };
  }
}
