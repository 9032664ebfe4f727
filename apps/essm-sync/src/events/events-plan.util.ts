import { isActive, isOurs } from '../timetable/ownership.util.js';
import {
  LINKED_BOOKING,
  type LinkedBookingState,
  linkedBookingState,
  type ReadIndex,
} from '../timetable/read-index.util.js';
import type { BookerBookingLike, DesiredBooking, LinkRead, SkippedEvent } from '../timetable/events.types.js';

/**
 * Why an event's linked booking is made anew: cancelled or deleted in Booker, or given an
 * ExternalReference that is not ours (someone else's booking now, left as it is).
 */
export type RecreatedBecause = 'cancelled' | 'missing' | 'not_ours';

/** A call the plan makes to Booker. */
export type EventChange =
  | {
      kind: 'cancel';
      reference: string;
      bookingId: number;
      /** `gone`: the event left TermTime; `stray`: a booking of ours no event or link calls for. */
      why: 'gone' | 'stray';
      eventIds: string[];
      roomCode: string;
    }
  | { kind: 'update'; reference: string; bookingId: number; booking: DesiredBooking }
  | {
      kind: 'create';
      reference: string;
      booking: DesiredBooking;
      /**
       * Set when our linked booking was cancelled or deleted in Booker by someone, or given an
       * ExternalReference not ours: the event's booking made anew.
       */
      recreates?: { bookingId: number; status: RecreatedBecause };
    };

/** A change of the link table alone (no call to Booker). */
export type LinkFix =
  /** Our booking found in Booker with no link (a run stopped after creating it): linked. */
  | { kind: 'adopt'; reference: string; bookingId: number; booking: DesiredBooking }
  /**
   * A link whose event is gone and whose booking is cancelled or gone already, or someone else's now
   * (its ExternalReference changed in Booker): dropped.
   */
  | { kind: 'drop'; reference: string; bookingId: number; why?: 'not_ours' };

export interface EventsPlanInput {
  desired: readonly DesiredBooking[];
  skipped: readonly SkippedEvent[];
  /** Link rows whose booking starts inside the window (the others are outside what was read). */
  links: readonly LinkRead[];
  /** Every Booker booking read (the window and a day either side), cancelled ones included. */
  bookings: readonly BookerBookingLike[];
  /**
   * The window's instants [fromMs, toMs): a stray booking of ours is cancelled only inside it (the
   * read's margins hold bookings of events outside the window, which this run does not judge).
   */
  window: { fromMs: number; toMs: number };
  /**
   * Links outside `links` (their start is outside the window) of active bookings of ours in the
   * window, by reference -> booking id: a booking of ours moved by hand into the window from
   * another window's event. Such a booking is judged by its own window's run, never cancelled as
   * stray here (`strayCandidates` lists the references to look up).
   */
  linkedElsewhere?: ReadonlyMap<string, number>;
}

// Read by the reader (timetable) as well: it lives there, beside the ownership rules it uses.
export { strayCandidates } from '../timetable/ownership.util.js';

export interface EventsPlanCounts {
  desired: number;
  unchanged: number;
  creates: number;
  recreates: number;
  updates: number;
  cancellations: number;
  adopted: number;
  droppedLinks: number;
  skipped: number;
  skippedBy: Partial<Record<SkippedEvent['reason'], number>>;
  /** Active bookings of ours in Booker: the base of the cancellation ratio. */
  ourBookings: number;
  /** Active bookings in the window that are not ours (never touched). */
  notOurs: number;
}

export interface EventsPlan {
  /** Cancellations, then updates, then creations: the order they are applied in. */
  changes: EventChange[];
  linkFixes: LinkFix[];
  counts: EventsPlanCounts;
}

function sameAsSent(booking: BookerBookingLike, desired: DesiredBooking): boolean {
  const sent = desired.request;
  return (
    booking.roomId === sent.roomId &&
    Date.parse(booking.start) === desired.startMs &&
    Date.parse(booking.end) === desired.endMs &&
    booking.title === sent.title &&
    (booking.description == null || booking.description === sent.description) &&
    (booking.expectedAttendees == null || booking.expectedAttendees === sent.expectedAttendees) &&
    (booking.bookingType == null || booking.bookingType === sent.bookingType)
  );
}

/**
 * The events plan: compares what the timetable calls for with the link table and Booker.
 * - linked and unchanged (same hash) with its booking active: nothing;
 * - linked, changed: update; linked but its booking cancelled or gone in Booker: re-create;
 * - not linked: our booking with its reference found active in Booker is adopted (updated if it
 *   differs), else created: a run stopped halfway never leaves a duplicate;
 * - linked but no longer called for: cancelled if active, the link dropped if not;
 * - an active booking of ours neither linked nor called for: cancelled (`stray`), unless its link
 *   lies outside the window read (`linkedElsewhere`: moved here by hand, its own window judges it);
 * - a booking that is not ours is never touched.
 */
export function planEvents(input: EventsPlanInput): EventsPlan {
  const byId = new Map<number, BookerBookingLike>();
  const activeOursByReference = new Map<string, BookerBookingLike>();
  let notOurs = 0;
  for (const booking of input.bookings) {
    byId.set(booking.id, booking);
    if (!isActive(booking)) continue;
    if (isOurs(booking)) activeOursByReference.set(booking.externalReference as string, booking);
    else notOurs += 1;
  }
  const links = new Map<string, LinkRead>();
  for (const link of input.links) links.set(link.reference, link);
  const cancels: EventChange[] = [];
  const updates: EventChange[] = [];
  const creates: EventChange[] = [];
  const linkFixes: LinkFix[] = [];
  const accounted = new Set<number>();
  let unchanged = 0;
  let recreates = 0;

  for (const desired of input.desired) {
    const { reference } = desired;
    const link = links.get(reference);
    if (link !== undefined) {
      const state = linkedBookingState(byId.get(link.bookingId));
      if (state === LINKED_BOOKING.active) {
        accounted.add(link.bookingId);
        if (link.hash === desired.hash) unchanged += 1;
        else updates.push({ kind: 'update', reference, bookingId: link.bookingId, booking: desired });
        continue;
      }
      const found = activeOursByReference.get(reference);
      if (found !== undefined) {
        // Linked to an old booking, but an active one with our reference exists: that one is ours.
        accounted.add(found.id);
        adoptOrUpdate(found, desired, linkFixes, updates);
        continue;
      }
      recreates += 1;
      creates.push({
        kind: 'create',
        reference,
        booking: desired,
        recreates: { bookingId: link.bookingId, status: RECREATED_BECAUSE[state] },
      });
      continue;
    }
    const found = activeOursByReference.get(reference);
    if (found !== undefined) {
      accounted.add(found.id);
      adoptOrUpdate(found, desired, linkFixes, updates);
      continue;
    }
    creates.push({ kind: 'create', reference, booking: desired });
  }

  const desiredReferences = new Set<string>();
  for (const desired of input.desired) desiredReferences.add(desired.reference);
  for (const link of input.links) {
    if (desiredReferences.has(link.reference)) continue;
    const state = linkedBookingState(byId.get(link.bookingId));
    if (state === LINKED_BOOKING.active) accounted.add(link.bookingId);
    goneFromTermTime(link, state, cancels, linkFixes);
  }
  for (const [reference, booking] of activeOursByReference) {
    if (accounted.has(booking.id) || desiredReferences.has(reference)) continue;
    cancelIfStray(reference, booking, input, cancels);
  }

  return planOf({ cancels, updates, creates, linkFixes, unchanged, recreates }, input, {
    desired: input.desired.length,
    ourBookings: activeOursByReference.size,
    notOurs,
  });
}

/** The LINKED_BOOKING states other than active, as a re-created booking's reason. */
const RECREATED_BECAUSE: Record<
  Exclude<LinkedBookingState, typeof LINKED_BOOKING.active>,
  RecreatedBecause
> = {
  [LINKED_BOOKING.notListed]: 'missing',
  [LINKED_BOOKING.cancelled]: 'cancelled',
  [LINKED_BOOKING.notOurs]: 'not_ours',
};

/**
 * `planEvents` on a read joined as it came in (`ReadIndex`): the same rules, the same plan, with
 * no map built after the last page (a term's 48,000 bookings). A read with a duplicate the joins do
 * not model is planned by `planEvents` itself.
 */
export function planEventsFromIndex(
  index: ReadIndex,
  input: Pick<EventsPlanInput, 'skipped' | 'window' | 'linkedElsewhere'>,
): EventsPlan {
  const joins = index.joined();
  if (joins.unusual) {
    return planEvents({ ...input, desired: joins.desired, links: joins.links, bookings: index.bookings });
  }
  const { desired, links, linkOfDesired, desiredOfLink, sameHash, bookingState, bookingOfLink } = joins;
  const cancels: EventChange[] = [];
  const updates: EventChange[] = [];
  const creates: EventChange[] = [];
  const linkFixes: LinkFix[] = [];
  let unchanged = 0;
  let recreates = 0;
  for (let i = 0; i < desired.length; i += 1) {
    const link = linkOfDesired[i];
    if (link >= 0 && bookingState[link] === LINKED_BOOKING.active) {
      if (sameHash[i] === 1) {
        unchanged += 1;
        continue;
      }
      const booking = desired[i];
      const bookingId = (bookingOfLink[link] as BookerBookingLike).id;
      updates.push({ kind: 'update', reference: booking.reference, bookingId, booking });
      continue;
    }
    const booking = desired[i];
    const found = joins.oursOfDesired[i];
    if (found !== undefined) {
      adoptOrUpdate(found, booking, linkFixes, updates);
      continue;
    }
    if (link < 0) {
      creates.push({ kind: 'create', reference: booking.reference, booking });
      continue;
    }
    recreates += 1;
    creates.push({
      kind: 'create',
      reference: booking.reference,
      booking,
      recreates: {
        bookingId: links[link].bookingId,
        // (Not active: those were handled above.)
        status:
          RECREATED_BECAUSE[bookingState[link] as Exclude<LinkedBookingState, typeof LINKED_BOOKING.active>],
      },
    });
  }
  for (let i = 0; i < links.length; i += 1) {
    if (desiredOfLink[i] >= 0) continue;
    goneFromTermTime(links[i], bookingState[i] as LinkedBookingState, cancels, linkFixes);
  }
  for (const booking of joins.unaccounted) {
    cancelIfStray(booking.externalReference as string, booking, input, cancels);
  }
  return planOf({ cancels, updates, creates, linkFixes, unchanged, recreates }, input, {
    desired: desired.length,
    ourBookings: joins.ourBookings,
    notOurs: joins.notOurs,
  });
}

/**
 * A link whose event is gone from TermTime: its booking cancelled if active and ours, else the link
 * dropped (a booking given a reference not ours is someone else's now: never cancelled).
 */
function goneFromTermTime(
  link: LinkRead,
  booking: LinkedBookingState,
  cancels: EventChange[],
  linkFixes: LinkFix[],
): void {
  if (booking === LINKED_BOOKING.active) {
    cancels.push({
      kind: 'cancel',
      reference: link.reference,
      bookingId: link.bookingId,
      why: 'gone',
      // Read afterwards for the cancellations (see LinkRead), when not here.
      eventIds: link.eventIds ?? [],
      roomCode: link.roomCode,
    });
  } else {
    linkFixes.push({
      kind: 'drop',
      reference: link.reference,
      bookingId: link.bookingId,
      ...(booking === LINKED_BOOKING.notOurs ? { why: 'not_ours' as const } : {}),
    });
  }
}

/**
 * An active booking of ours neither linked nor called for: cancelled as stray when it starts in the
 * window read, unless its link lies outside the window (`linkedElsewhere`).
 */
function cancelIfStray(
  reference: string,
  booking: BookerBookingLike,
  input: Pick<EventsPlanInput, 'window' | 'linkedElsewhere'>,
  cancels: EventChange[],
): void {
  const startMs = Date.parse(booking.start);
  if (!(startMs >= input.window.fromMs && startMs < input.window.toMs)) return;
  if (input.linkedElsewhere?.get(reference) === booking.id) return;
  cancels.push({
    kind: 'cancel',
    reference,
    bookingId: booking.id,
    why: 'stray',
    eventIds: [],
    roomCode: '',
  });
}

/** The plan from what each planner found: changes in apply order (cancels, updates, creates), and counts. */
function planOf(
  found: {
    cancels: EventChange[];
    updates: EventChange[];
    creates: EventChange[];
    linkFixes: LinkFix[];
    unchanged: number;
    recreates: number;
  },
  input: Pick<EventsPlanInput, 'skipped'>,
  read: { desired: number; ourBookings: number; notOurs: number },
): EventsPlan {
  const { cancels, updates, creates, linkFixes, unchanged, recreates } = found;
  const skippedBy: EventsPlanCounts['skippedBy'] = {};
  for (const skip of input.skipped) skippedBy[skip.reason] = (skippedBy[skip.reason] ?? 0) + 1;
  return {
    changes: [...cancels, ...updates, ...creates],
    linkFixes,
    counts: {
      desired: read.desired,
      unchanged,
      creates: creates.length - recreates,
      recreates,
      updates: updates.length,
      cancellations: cancels.length,
      adopted: linkFixes.filter((fix) => fix.kind === 'adopt').length,
      droppedLinks: linkFixes.filter((fix) => fix.kind === 'drop').length,
      skipped: input.skipped.length,
      skippedBy,
      ourBookings: read.ourBookings,
      notOurs: read.notOurs,
    },
  };
}

function adoptOrUpdate(
  found: BookerBookingLike,
  desired: DesiredBooking,
  linkFixes: LinkFix[],
  updates: EventChange[],
): void {
  if (sameAsSent(found, desired)) {
    linkFixes.push({
      kind: 'adopt',
      reference: desired.reference,
      bookingId: found.id,
      booking: desired,
    });
  } else {
    updates.push({
      kind: 'update',
      reference: desired.reference,
      bookingId: found.id,
      booking: desired,
    });
  }
}

/** Identifies a change across runs (a refused plan is stored by it; an approval applies the same keys). */
export function eventChangeKey(change: EventChange): string {
  return `${change.kind}:${change.reference}`;
}

/** The app's own refusal rule: too many cancellations of our bookings. */
export function cancellationRefusal(
  plan: EventsPlan,
  limits: { maxCancelRatio: number; maxCancellations?: number },
): string | null {
  const cancellations = plan.counts.cancellations;
  if (cancellations === 0) return null;
  if (limits.maxCancellations !== undefined && cancellations > limits.maxCancellations) {
    return `${cancellations} cancellations, more than EVENTS_MAX_CANCELLATIONS (${limits.maxCancellations})`;
  }
  const base = Math.max(1, plan.counts.ourBookings);
  if (cancellations / base > limits.maxCancelRatio) {
    return (
      `${cancellations} cancellations of our ${plan.counts.ourBookings} booking(s), more than ` +
      `EVENTS_MAX_CANCEL_RATIO (${Math.round(limits.maxCancelRatio * 1000) / 10}%)`
    );
  }
  return null;
}

/**
 * What a 409's details name of the bookings that can be in the way of the plan's creations and
 * updates: the active bookings in their rooms (Booker refuses a booking for an overlap in its
 * room). The snapshot, with the rest of every booking, is dropped once planned; a plan that books
 * nothing keeps none.
 */
export function bookingsInTheWay(
  bookings: readonly BookerBookingLike[],
  changes: readonly EventChange[],
): Map<number, { title: string; start: string; end: string; ours: boolean }> {
  const rooms = new Set<number>();
  for (const change of changes) if (change.kind !== 'cancel') rooms.add(change.booking.request.roomId);
  const byId = new Map<number, { title: string; start: string; end: string; ours: boolean }>();
  if (rooms.size === 0) return byId;
  for (const booking of bookings) {
    if (!isActive(booking) || !rooms.has(booking.roomId)) continue;
    const { title, start, end } = booking;
    byId.set(booking.id, { title, start, end, ours: isOurs(booking) });
  }
  return byId;
}
