import { HttpPolicy } from '@app/http';
import { BOOKER } from './booker.errors.js';
import type {
  BookerBooking,
  BookerBuilding,
  BookerRoom,
  BookingInput,
  BookingWindow,
  CreatedBooking,
} from './booker.types.js';

export type * from './booker.types.js';
export {
  BookerAuthError,
  BookerConflictError,
  BookerError,
  BookerNotFoundError,
  BookerValidationError,
} from './booker.errors.js';

export interface BookerClientOptions {
  /** Booker's root (`https://booker.example.ac.uk`); a trailing `/api` is accepted too. */
  baseUrl: string;
  /** The service account; the password is never logged. */
  username: string;
  password: string;
  /** Bookings per page when listing, 1 to 500 (Booker's maximum). Default 500. */
  pageSize?: number;
  /** Per request; see `HttpPolicy` for these. */
  timeoutMs?: number;
  /** One request with its retries. */
  deadlineMs?: number;
  maxAttempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  onRetry?: (info: { attempt: number; delayMs: number; status?: number; method: string }) => void;
}

/**
 * Booker's rooms, buildings and bookings. Safe to call concurrently: one sign-in at a time, shared
 * by every call until Booker says the token expired. Reads fail whole (`BookerError`,
 * `UnexpectedResponseError` naming the field); a write's refusal is a typed error
 * (`BookerConflictError` with the conflicting bookings, `BookerNotFoundError`, `BookerValidationError`).
 */
export class BookerClient {
  /** Timeouts, retries and the call counter of every request to Booker (sign-ins included). */
  readonly policy: HttpPolicy;

  constructor(options: BookerClientOptions) {
    this.policy = new HttpPolicy({ system: BOOKER, timeoutMs: options.timeoutMs });
  }

  /** HTTP requests sent, retries and sign-ins included. */
  get calls(): number {
    return this.policy.calls;
  }

  listBuildings(): Promise<BookerBuilding[]> {
    throw new Error('not implemented');
  }

  listRooms(): Promise<BookerRoom[]> {
    throw new Error('not implemented');
  }

  /** Every booking overlapping the window, cancelled ones included, all pages read. */
  listBookings(_window: BookingWindow): Promise<BookerBooking[]> {
    throw new Error('not implemented');
  }

  /** The non-cancelled booking with this ExternalReference, or null (any date). */
  findByExternalReference(_externalReference: string): Promise<BookerBooking | null> {
    throw new Error('not implemented');
  }

  /** Creates a booking; a 409 throws `BookerConflictError`. */
  createBooking(_input: BookingInput): Promise<CreatedBooking> {
    throw new Error('not implemented');
  }

  /** Replaces booking `id` with `input`; 404 `BookerNotFoundError`, 409 `BookerConflictError`. */
  updateBooking(_id: number, _input: BookingInput): Promise<void> {
    throw new Error('not implemented');
  }

  /** Cancels booking `id` (its status becomes Cancelled); 404 `BookerNotFoundError`. */
  cancelBooking(_id: number): Promise<void> {
    throw new Error('not implemented');
  }
}
