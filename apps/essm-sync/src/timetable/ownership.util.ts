import { REFERENCE_PREFIX } from './desired-bookings.util.js';
import type { BookerBookingLike, LinkRead } from './events.types.js';

/** A booking of ours: its ExternalReference carries our prefix. Any other is never touched. */
export function isOurs(booking: Pick<BookerBookingLike, 'externalReference'>): boolean {
  return booking.externalReference?.startsWith(REFERENCE_PREFIX) === true;
}

/** Not cancelled (Booker lists cancelled bookings too; a cancelled one never conflicts). */
export function isActive(booking: Pick<BookerBookingLike, 'status'>): boolean {
  return booking.status !== 'Cancelled';
}

/**
 * The references of the active bookings of ours in the window that no link read names: the only
 * ones that can be cancelled as stray, to be looked up in the link table whatever their start.
 */
export function strayCandidates(
  bookings: readonly BookerBookingLike[],
  links: readonly Pick<LinkRead, 'reference'>[],
  window: { fromMs: number; toMs: number },
): string[] {
  const linked = new Set<string>();
  for (const link of links) linked.add(link.reference);
  const references: string[] = [];
  for (const booking of bookings) {
    if (!isActive(booking) || !isOurs(booking)) continue;
    const reference = booking.externalReference as string;
    if (linked.has(reference)) continue;
    const startMs = Date.parse(booking.start);
    if (startMs >= window.fromMs && startMs < window.toMs) references.push(reference);
  }
  return references;
}
