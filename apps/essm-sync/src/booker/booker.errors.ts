import { UpstreamError } from '@app/http';

export const BOOKER = 'Booker';

/** Booker answered with an error, or not at all; `operation` says what was asked (`creating booking X`). */
export class BookerError extends UpstreamError {
  constructor(
    readonly operation: string,
    message: string,
    status?: number,
    options?: { cause?: unknown },
  ) {
    super(BOOKER, `${operation} failed: ${message}`, status, options);
    this.name = 'BookerError';
  }
}

/** The username or password was refused (no retry helps). */
export class BookerAuthError extends BookerError {
  constructor(operation: string, message: string, status?: number) {
    super(operation, message, status);
    this.name = 'BookerAuthError';
  }
}

/**
 * 409: the room already has an overlapping booking. `conflictingBookingIds` are the Booker ids of
 * the bookings in the way (look them up in the window's bookings for their details).
 */
export class BookerConflictError extends BookerError {
  constructor(
    operation: string,
    readonly conflictingBookingIds: readonly number[],
    message: string,
  ) {
    super(
      operation,
      `conflict with booking(s) ${conflictingBookingIds.join(', ') || '(none named)'}: ${message}`,
      409,
    );
    this.name = 'BookerConflictError';
  }
}

/** 404: no booking with that id. */
export class BookerNotFoundError extends BookerError {
  constructor(
    operation: string,
    readonly bookingId: number,
  ) {
    super(operation, `no booking ${bookingId}`, 404);
    this.name = 'BookerNotFoundError';
  }
}

/** 400: Booker refused the booking's fields; `errors` maps each field to its problems. */
export class BookerValidationError extends BookerError {
  constructor(
    operation: string,
    readonly errors: Readonly<Record<string, readonly string[]>>,
    message: string,
  ) {
    const fields = Object.entries(errors)
      .map(([field, texts]) => `${field}: ${texts.join(', ')}`)
      .join('; ');
    super(operation, fields === '' ? message : `${message} (${fields})`, 400);
    this.name = 'BookerValidationError';
  }
}
