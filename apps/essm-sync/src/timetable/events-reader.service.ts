import { Inject, Injectable } from '@nestjs/common';
import { mapWithConcurrency } from '@app/http';
import { BookerClient } from '../booker/booker.client.js';
import type { BookerBooking, BookerRoom } from '../booker/booker.types.js';
import { ESSM_CONFIG, type EssmSyncConfig } from '../config.js';
import { LinkRepository } from './link.repository.js';
import { TermTimeClient } from '../termtime/termtime.client.js';
import type { TermTimeActivity } from '../termtime/termtime.types.js';
import { londonToInstant } from '../time/london-time.util.js';
import { type DesiredBookings, desiredBookingsBuilder } from './desired-bookings.util.js';
import type { LinkRead } from './events.types.js';
import { createReadIndex, type ReadIndex } from './read-index.util.js';
import { type Due, runInSlices, type Steps } from './slices.util.js';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DAY = 86_400_000;
/** Linked bookings missing from the listing asked for at once. */
const LOOKUP_CONCURRENCY = 4;

/** The events window as dates (`YYYY-MM-DD`, both included). */
export interface EventsWindow {
  start: string;
  end: string;
}

/** Everything the events plan and the pre-flight read, whole, or the run fails. */
export interface EventsSnapshot {
  window: EventsWindow;
  /** Activities read (each let go of once its bookings were worked out). */
  activities: number;
  /** The bookings the timetable calls for, and the skips (the rule: desired-bookings.util). */
  desired: DesiredBookings;
  /** Booker's bookings from the day before the window to the day after (cancelled ones too). */
  bookings: BookerBooking[];
  /** Links whose booking starts in the window. */
  links: LinkRead[];
  /** The desired bookings, the links and the bookings, joined as they came in (for the plan). */
  index: ReadIndex;
  /**
   * Active bookings of ours in the window that no link of the window names, but a link outside it
   * does (moved here by hand): reference -> linked booking id. Looked up whatever their start.
   */
  linkedElsewhere: Map<string, number>;
  /** Linked bookings the listing did not hold, asked for by id; those found are in `bookings`. */
  lookedUp: { asked: number; found: number };
  calls: { termtime: number; booker: number };
  readMs: number;
}

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);
}

/** The window's instants: from its first London midnight to the London midnight after its last day. */
export function windowInstants(window: EventsWindow): { from: Date; to: Date } {
  return {
    from: new Date(londonToInstant(window.start, '00:00')),
    to: new Date(londonToInstant(addDays(window.end, 1), '00:00')),
  };
}

/**
 * Reads TermTime's activities, Booker's rooms and bookings and our links, at once. Booker is read
 * a day wider on each side than the window, so that every booking a link of the window names is
 * in the read whatever the time zone of Booker's day boundaries. Any failed read throws: nothing
 * read is ever taken as "absent".
 */
@Injectable()
export class EventsReader {
  constructor(
    private readonly termtime: TermTimeClient,
    private readonly booker: BookerClient,
    private readonly repository: LinkRepository,
    @Inject(ESSM_CONFIG) private readonly config: EssmSyncConfig,
  ) {}

  /**
   * `whileReading` is given the bookings the timetable calls for as soon as they are worked out,
   * while Booker's pages are still coming (for work that needs nothing else: best done in slices,
   * slices.util); the read waits for it.
   */
  async read(whileReading?: (desired: DesiredBookings) => void | Promise<void>): Promise<EventsSnapshot> {
    const started = Date.now();
    const before = { termtime: this.termtime.calls, booker: this.booker.calls };
    const window = await this.resolveWindow();
    const { from, to } = windowInstants(window);
    const index = createReadIndex({ fromMs: from.getTime(), toMs: to.getTime() });
    // Everything is joined as it comes in (ReadIndex), while Booker's pages, which wait on the
    // network, are still coming, in slices (slices.util: a page that comes in meanwhile waits for a
    // slice at most, not for a whole sort or join of tens of thousands of bookings): the bookings
    // the timetable calls for are worked out (the activities let go of once they are), the link
    // table read, and each page joined with both.
    // The link table is read once Booker's first page is in: the other pages are asked for only
    // when it is parsed (its count says how many), so until then the CPU is best left to it (and to
    // TermTime's answer); after it, the pages wait on the network and the link read fits between.
    let firstPageIn = (): void => undefined;
    const afterFirstPage = new Promise<void>((resolve) => (firstPageIn = resolve));
    const listing = this.booker.listBookings(
      { start: addDays(window.start, -1), end: addDays(window.end, 1) },
      (page) => {
        index.addBookings(page);
        firstPageIn();
      },
    );
    const [desired, bookings, links] = await Promise.all([
      Promise.all([this.termtime.listActivities(), this.booker.listRooms()])
        .then(([activities, rooms]) => this.desiredOf(activities, rooms, window))
        .then(async (result) => {
          await index.addDesiredInSlices(result.desired.bookings);
          await whileReading?.(result.desired);
          return result;
        }),
      // (A listing answered without a page handed over still starts the link read; a failed one
      // fails the read, and the links are not read.)
      listing.then((all) => {
        firstPageIn();
        return all;
      }),
      afterFirstPage
        .then(() => this.repository.findLinksStartingBetween(from, to))
        .then(async (rows) => {
          await index.addLinksInSlices(rows);
          return rows;
        }),
    ]);
    const lookedUp = await this.linkedNotListed(index, bookings);
    const candidates = index.strayCandidates();
    const linkedElsewhere =
      candidates.length === 0 ? new Map<string, number>() : await this.repository.bookingIdsOf(candidates);
    return {
      window,
      activities: desired.activities,
      desired: desired.desired,
      bookings,
      links,
      index,
      linkedElsewhere,
      lookedUp,
      calls: {
        termtime: this.termtime.calls - before.termtime,
        booker: this.booker.calls - before.booker,
      },
      readMs: Date.now() - started,
    };
  }

  /**
   * The bookings the activities call for (the rule: desired-bookings.util), worked out and sorted in
   * slices of CPU time (slices.util), letting the event loop go on with the other reads in between.
   */
  private async desiredOf(
    activities: TermTimeActivity[],
    rooms: readonly BookerRoom[],
    window: EventsWindow,
  ): Promise<{ activities: number; desired: DesiredBookings }> {
    const builder = desiredBookingsBuilder(rooms, {
      bookingTypes: this.config.EVENTS_BOOKING_TYPES,
      mergeSharedRooms: this.config.EVENTS_MERGE_SHARED_ROOMS,
      window,
    });
    // Each activity is let go of once added (its events, dates and times: what no booking keeps),
    // so that the whole answer is not held while the bookings are worked out. In slices, as Booker's
    // pages come in meanwhile (slices.util).
    const pending: (TermTimeActivity | undefined)[] = activities;
    function* steps(due: Due): Steps<DesiredBookings> {
      for (let i = 0; i < pending.length; i += 1) {
        builder.add(pending[i] as TermTimeActivity);
        pending[i] = undefined;
        if (due()) yield;
      }
      return yield* builder.finishSteps(due);
    }
    return { activities: pending.length, desired: await runInSlices(steps) };
  }

  /**
   * A linked booking the window's listing does not hold was moved out of the window by someone in
   * Booker, or deleted: each is asked for by id (a few at a time) and, when Booker still has it,
   * added to `bookings`, so that it is judged as it is (linked, active or cancelled), never taken
   * as gone and booked twice; a 404 is confirmed by its link's reference before it counts as gone.
   * Returns how many were asked for and found.
   */
  private async linkedNotListed(
    index: ReadIndex,
    bookings: BookerBooking[],
  ): Promise<{ asked: number; found: number }> {
    // Booking id -> its link's reference (a 404 is confirmed by ExternalReference: see getBooking).
    const missing = index.linkedNotListed();
    const ids = [...missing.keys()];
    if (ids.length === 0) return { asked: 0, found: 0 };
    const answers = await mapWithConcurrency(ids, LOOKUP_CONCURRENCY, (id) =>
      this.booker.getBooking(id, missing.get(id)),
    );
    let found = 0;
    for (const booking of answers) {
      if (booking === null) continue;
      if (index.hasBooking(booking.id)) continue; // found by reference, and already in the listing
      index.addBookings([booking]);
      bookings.push(booking);
      found += 1;
    }
    return { asked: ids.length, found };
  }

  /** EVENTS_WINDOW_START/END as dates; a timeframe code is looked up in TermTime (one call). */
  async resolveWindow(): Promise<EventsWindow> {
    const { EVENTS_WINDOW_START: start, EVENTS_WINDOW_END: end } = this.config;
    if (DATE.test(start) && DATE.test(end)) return { start, end };
    const timeframes = await this.termtime.listTimeframes();
    const dateOf = (value: string, setting: string, which: 'startDate' | 'endDate'): string => {
      if (DATE.test(value)) return value;
      const timeframe = timeframes.find((candidate) => candidate.code === value);
      if (timeframe === undefined) {
        throw new Error(
          `${setting} names the timeframe '${value.slice(0, 110)}', which TermTime does not have`,
        );
      }
      return timeframe[which];
    };
    const window = {
      start: dateOf(start, 'EVENTS_WINDOW_START', 'startDate'),
      end: dateOf(end, 'EVENTS_WINDOW_END', 'endDate'),
    };
    if (window.end < window.start) {
      throw new Error(`the events window ends (${window.end}) before it starts (${window.start})`);
    }
    return window;
  }
}
