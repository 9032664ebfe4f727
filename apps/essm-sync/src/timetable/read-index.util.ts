import type { BookerBookingLike, DesiredBooking, LinkRead } from './events.types.js';
import { isActive, isOurs } from './ownership.util.js';
import { CHECK_EVERY, type Due, runInSlices, runWhole, type Steps } from './slices.util.js';

/**
 * Where a link's booking stands in Booker's bookings read so far. `notOurs`: active, but its
 * ExternalReference is no longer ours (someone in Booker changed it): someone else's booking now,
 * which is never touched.
 */
export const LINKED_BOOKING = { notListed: 0, active: 1, cancelled: 2, notOurs: 3 } as const;
export type LinkedBookingState = (typeof LINKED_BOOKING)[keyof typeof LINKED_BOOKING];

/** Where a link's booking stands, from the booking read with its id (undefined: not listed). */
export function linkedBookingState(booking: BookerBookingLike | undefined): LinkedBookingState {
  if (booking === undefined) return LINKED_BOOKING.notListed;
  if (!isActive(booking)) return LINKED_BOOKING.cancelled;
  return isOurs(booking) ? LINKED_BOOKING.active : LINKED_BOOKING.notOurs;
}

/**
 * What a run reads, joined as it comes in (pure): the link table, the bookings the timetable calls
 * for and Booker's bookings, page by page, in any order. The joins a plan needs (each booking
 * called for with its link, each link with its booking, the active bookings of ours by reference)
 * are made while the other reads still wait on the network, so that once the last page is in, the
 * plan walks arrays instead of building maps of tens of thousands of entries
 * (`planEventsFromIndex` in events-plan.util: the same rules as `planEvents`, which it falls back
 * to when `unusual` is set).
 */
export interface ReadIndex {
  /**
   * The index takes the links over: a link joined with a booking called for gets that booking's
   * reference and (when equal) hash strings in place of its own copies; values never change.
   */
  addLinks(links: readonly LinkRead[]): void;
  /** Both throw while an add in slices is under way. */
  addDesired(desired: readonly DesiredBooking[]): void;
  /**
   * `addLinks` and `addDesired` in slices (slices.util), for a run whose pages are still coming:
   * the joins they make (tens of thousands of entries) yield to the event loop when due. Until one
   * is done the index is not ready; the pages added meanwhile are joined when it is. One runs at a
   * time (each waits for those added before it).
   */
  addLinksInSlices(links: readonly LinkRead[]): Promise<void>;
  addDesiredInSlices(desired: readonly DesiredBooking[]): Promise<void>;
  /** Booker's bookings in the order of the listing (then those looked up by id). */
  addBookings(bookings: readonly BookerBookingLike[]): void;
  /** Every booking added, in order. */
  readonly bookings: readonly BookerBookingLike[];
  /** Booking id -> its link's reference, for each linked booking no booking added has (first link wins). */
  linkedNotListed(): Map<number, string>;
  /** Whether a booking with this id has been added. */
  hasBooking(id: number): boolean;
  /**
   * References of the active bookings of ours in the window that no link names (the bookings added
   * so far, in their order): those to look up in the link table whatever their start.
   */
  strayCandidates(): string[];
  /**
   * The active bookings that are not ours (the bookings added, in their order): what the pre-flight
   * checks the bookings called for against, picked out as the pages came in.
   */
  activeNotOurs(): readonly BookerBookingLike[];
  /** The joins for the plan (links, desired and every booking in). */
  joined(): ReadJoins;
}

/** The joins of a whole read, by position in `desired` and `links`. */
export interface ReadJoins {
  desired: readonly DesiredBooking[];
  links: readonly LinkRead[];
  /**
   * A duplicate that the array joins do not model (two bookings with one id, two active bookings of
   * ours with one reference, two bookings called for with one reference): plan from the whole read.
   */
  unusual: boolean;
  /** Per booking called for: the position of its link, or -1. */
  linkOfDesired: Int32Array;
  /** Per link: the position of the booking called for with its reference, or -1. */
  desiredOfLink: Int32Array;
  /** Per booking called for with a link: whether the link's hash is the booking's. */
  sameHash: Uint8Array;
  /** Per link: LINKED_BOOKING (its booking not listed, active, cancelled, active but not ours). */
  bookingState: Uint8Array;
  /** Per link: its booking, when read. */
  bookingOfLink: (BookerBookingLike | undefined)[];
  /** Per booking called for: the active booking of ours with its reference, when read. */
  oursOfDesired: (BookerBookingLike | undefined)[];
  /** Active bookings of ours that neither a link's booking id nor a booking called for names, in order. */
  unaccounted: BookerBookingLike[];
  /** Active bookings of ours (by distinct reference), and active bookings not ours. */
  ourBookings: number;
  notOurs: number;
}

export function createReadIndex(
  window: { fromMs: number; toMs: number },
  /** The adds in slices: CPU time per slice (slices.util's SLICE_MS; tests give 0 to yield at every look). */
  options: { sliceMs?: number } = {},
): ReadIndex {
  const bookings: BookerBookingLike[] = [];
  let unusual = false;
  let ourBookings = 0;
  let notOurs = 0;

  let links: readonly LinkRead[] | undefined;
  /** Links in reference order (as the repository reads them): joined with desired by a merge. */
  let linksSorted = false;
  // Built when first needed when the links are sorted (a booking of ours is usually found through
  // its link by id), at once when they are not.
  let linkByReference: Map<string, number> | undefined;
  const linkIndexOf = (reference: string): number | undefined => {
    if (linkByReference === undefined) {
      linkByReference = new Map();
      const all = links as readonly LinkRead[];
      for (let i = 0; i < all.length; i += 1) linkByReference.set(all[i].reference, i);
    }
    return linkByReference.get(reference);
  };
  // The first link of each booking id: links sharing a booking id share its state.
  const linkByBookingId = new Map<number, number>();
  let firstLinkOf = new Int32Array(0);
  let linksShareBookings = false;

  let desired: readonly DesiredBooking[] | undefined;
  // Built when first needed: a booking of ours is usually found through its link.
  let desiredByReference: Map<string, number> | undefined;
  const desiredIndexOf = (reference: string): number | undefined => {
    if (desiredByReference === undefined) {
      desiredByReference = new Map();
      const all = desired as readonly DesiredBooking[];
      for (let i = 0; i < all.length; i += 1) desiredByReference.set(all[i].reference, i);
    }
    return desiredByReference.get(reference);
  };

  // Filled once both links and desired are in.
  let linkOfDesired = new Int32Array(0);
  let desiredOfLink = new Int32Array(0);
  let sameHash = new Uint8Array(0);
  let bookingState = new Uint8Array(0);
  let bookingOfLink: (BookerBookingLike | undefined)[] = [];
  let oursOfDesired: (BookerBookingLike | undefined)[] = [];
  /** References of active bookings of ours that no booking called for has (few), to see one twice. */
  const otherReferences = new Set<string>();
  const unaccounted: BookerBookingLike[] = [];
  const stray: string[] = [];
  const notOursActive: BookerBookingLike[] = [];
  /** Bookings [0, joinedUpTo) have been joined with the links and desired. */
  let joinedUpTo = 0;
  /** Ids of the bookings added, built when first asked (only a run that looked bookings up asks). */
  let ids: Set<number> | undefined;

  /** Adds asked for and not done (their steps not all run): not ready, and the pages wait for them. */
  let adding = 0;
  /** The adds in slices, one after the other. */
  let addsInSlices: Promise<void> = Promise.resolve();
  const ready = (): boolean => links !== undefined && desired !== undefined && adding === 0;
  const assertReady = (): void => {
    if (!ready()) {
      throw new Error(
        adding > 0
          ? 'the read index is still adding links or desired bookings in slices'
          : 'the read index has no links or no desired bookings yet',
      );
    }
  };

  const join = (booking: BookerBookingLike): void => {
    const theLinks = links as readonly LinkRead[];
    const first = linkByBookingId.get(booking.id);
    const active = isActive(booking);
    if (first !== undefined) {
      // Two bookings with one id: which one a link means is the whole read's question.
      if (bookingOfLink[first] !== undefined) unusual = true;
      bookingState[first] = linkedBookingState(booking);
      bookingOfLink[first] = booking;
    }
    if (!active) return;
    if (!isOurs(booking)) {
      notOurs += 1;
      notOursActive.push(booking);
      return;
    }
    ourBookings += 1;
    const reference = booking.externalReference as string;
    // Usually the booking's own link has its reference, and names the booking called for.
    const ownLink = first !== undefined && theLinks[first].reference === reference ? first : undefined;
    const linked = ownLink !== undefined || linkIndexOf(reference) !== undefined;
    let wanted: number | undefined;
    if (ownLink !== undefined) {
      const called = desiredOfLink[ownLink];
      wanted = called >= 0 ? called : undefined;
    } else {
      wanted = desiredIndexOf(reference);
    }
    if (wanted !== undefined) {
      if (oursOfDesired[wanted] !== undefined) unusual = true;
      oursOfDesired[wanted] = booking;
    } else {
      if (otherReferences.has(reference)) unusual = true;
      otherReferences.add(reference);
      if (first === undefined) unaccounted.push(booking);
    }
    if (!linked) {
      const startMs = Date.parse(booking.start);
      if (startMs >= window.fromMs && startMs < window.toMs) stray.push(reference);
    }
  };

  /** Joins the bookings added and not yet joined (those added meanwhile too), once both are in. */
  function* catchUpSteps(due: Due): Steps<void> {
    if (links === undefined || desired === undefined) return;
    for (; joinedUpTo < bookings.length; joinedUpTo += 1) {
      join(bookings[joinedUpTo]);
      if (joinedUpTo % CHECK_EVERY === 0 && due()) yield;
    }
  }
  const catchUp = (): void => {
    if (ready()) runWhole(catchUpSteps);
  };

  function* joinLinksAndDesired(due: Due): Steps<void> {
    const theLinks = links as readonly LinkRead[];
    const theDesired = desired as readonly DesiredBooking[];
    linkOfDesired = new Int32Array(theDesired.length).fill(-1);
    desiredOfLink = new Int32Array(theLinks.length).fill(-1);
    sameHash = new Uint8Array(theDesired.length);
    bookingState = new Uint8Array(theLinks.length);
    bookingOfLink = new Array<BookerBookingLike | undefined>(theLinks.length);
    oursOfDesired = new Array<BookerBookingLike | undefined>(theDesired.length);
    // Two bookings called for with one reference: sorted by reference (as worked out), they are
    // neighbours; in any other order, the map tells.
    let sorted = true;
    for (let i = 1; i < theDesired.length; i += 1) {
      const previous = theDesired[i - 1].reference;
      const reference = theDesired[i].reference;
      if (previous === reference) unusual = true;
      else if (previous > reference) sorted = false;
      if (i % CHECK_EVERY === 0 && due()) yield;
    }
    if (!sorted) {
      desiredIndexOf('');
      if ((desiredByReference as Map<string, number>).size !== theDesired.length) unusual = true;
    }
    const pair = (desiredAt: number, linkAt: number): void => {
      linkOfDesired[desiredAt] = linkAt;
      desiredOfLink[linkAt] = desiredAt;
      const link = theLinks[linkAt];
      const booking = theDesired[desiredAt];
      // The link's own copies of the reference, and of the hash when it is the same, give way to the
      // booking's (equal strings): a term's links would otherwise hold a second copy of each until
      // the run ends. Values are unchanged.
      link.reference = booking.reference;
      if (link.hash === booking.hash) {
        link.hash = booking.hash;
        sameHash[desiredAt] = 1;
      } else {
        sameHash[desiredAt] = 0;
      }
    };
    if (sorted && linksSorted) {
      // Both in reference order: a merge, no map.
      let linkAt = 0;
      for (let desiredAt = 0; desiredAt < theDesired.length && linkAt < theLinks.length; desiredAt += 1) {
        const reference = theDesired[desiredAt].reference;
        while (linkAt < theLinks.length && theLinks[linkAt].reference < reference) linkAt += 1;
        if (linkAt < theLinks.length && theLinks[linkAt].reference === reference) pair(desiredAt, linkAt);
        if (desiredAt % CHECK_EVERY === 0 && due()) yield;
      }
      return;
    }
    for (let i = 0; i < theDesired.length; i += 1) {
      const link = linkIndexOf(theDesired[i].reference);
      if (link !== undefined) pair(i, link);
      if (i % CHECK_EVERY === 0 && due()) yield;
    }
  }

  function* addLinksSteps(added: readonly LinkRead[], due: Due): Steps<void> {
    links = added;
    firstLinkOf = new Int32Array(added.length);
    linksSorted = true;
    for (let i = 0; i < added.length; i += 1) {
      const link = added[i];
      if (i > 0) {
        const previous = added[i - 1].reference;
        if (previous === link.reference) unusual = true;
        else if (previous > link.reference) linksSorted = false;
      }
      let first = linkByBookingId.get(link.bookingId);
      if (first === undefined) linkByBookingId.set(link.bookingId, (first = i));
      else linksShareBookings = true;
      firstLinkOf[i] = first;
      if (i % CHECK_EVERY === 0 && due()) yield;
    }
    if (!linksSorted) {
      linkIndexOf('');
      if ((linkByReference as Map<string, number>).size !== added.length) unusual = true;
    }
    if (desired !== undefined) yield* joinLinksAndDesired(due);
    yield* catchUpSteps(due);
  }

  function* addDesiredSteps(added: readonly DesiredBooking[], due: Due): Steps<void> {
    desired = added;
    if (links !== undefined) yield* joinLinksAndDesired(due);
    yield* catchUpSteps(due);
  }

  /**
   * Runs an add's steps whole (synchronously: nothing else runs meanwhile), or in slices, the index
   * not ready until they are done.
   */
  const whole = (steps: (due: Due) => Steps<void>): void => {
    if (adding > 0) throw new Error('the read index is still adding links or desired bookings in slices');
    runWhole(steps);
  };
  const inSlices = (steps: (due: Due) => Steps<void>): Promise<void> => {
    adding += 1;
    const done = addsInSlices
      .then(() => runInSlices(steps, options.sliceMs))
      .finally(() => {
        adding -= 1;
        catchUp();
      });
    addsInSlices = done.catch(() => undefined);
    return done;
  };

  return {
    bookings,
    addLinks(added) {
      whole((due) => addLinksSteps(added, due));
    },
    addDesired(added) {
      whole((due) => addDesiredSteps(added, due));
    },
    addLinksInSlices(added) {
      return inSlices((due) => addLinksSteps(added, due));
    },
    addDesiredInSlices(added) {
      return inSlices((due) => addDesiredSteps(added, due));
    },
    addBookings(added) {
      for (const booking of added) {
        bookings.push(booking);
        ids?.add(booking.id);
      }
      catchUp();
    },
    hasBooking(id) {
      if (ids === undefined) ids = new Set(bookings.map((booking) => booking.id));
      return ids.has(id);
    },
    linkedNotListed() {
      assertReady();
      const missing = new Map<number, string>();
      const theLinks = links as readonly LinkRead[];
      for (let i = 0; i < theLinks.length; i += 1) {
        if (bookingState[firstLinkOf[i]] !== LINKED_BOOKING.notListed) continue;
        const link = theLinks[i];
        if (!missing.has(link.bookingId)) missing.set(link.bookingId, link.reference);
      }
      return missing;
    },
    strayCandidates() {
      assertReady();
      return [...stray];
    },
    activeNotOurs() {
      assertReady();
      return notOursActive;
    },
    joined() {
      assertReady();
      let states = bookingState;
      let ofLink = bookingOfLink;
      if (linksShareBookings) {
        // Links sharing a booking id: each reads its first link's state.
        states = new Uint8Array(bookingState.length);
        ofLink = new Array<BookerBookingLike | undefined>(bookingState.length);
        for (let i = 0; i < states.length; i += 1) {
          const first = firstLinkOf[i];
          states[i] = bookingState[first];
          ofLink[i] = bookingOfLink[first];
        }
      }
      return {
        desired: desired as readonly DesiredBooking[],
        links: links as readonly LinkRead[],
        unusual,
        linkOfDesired,
        desiredOfLink,
        sameHash,
        bookingState: states,
        bookingOfLink: ofLink,
        oursOfDesired,
        unaccounted,
        ourBookings,
        notOurs,
      };
    },
  };
}
