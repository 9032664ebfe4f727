import { REFERENCE_PREFIX } from './desired-bookings.util.js';
import type { BookerBookingLike } from './events.types.js';

/** A booking of ours: its ExternalReference carries our prefix. Any other is never touched. */
export function isOurs(booking: Pick<BookerBookingLike, 'externalReference'>): boolean {
  return booking.externalReference?.startsWith(REFERENCE_PREFIX) === true;
}

/** Not cancelled (Booker lists cancelled bookings too; a cancelled one never conflicts). */
export function isActive(booking: Pick<BookerBookingLike, 'status'>): boolean {
  return booking.status !== 'Cancelled';
}
