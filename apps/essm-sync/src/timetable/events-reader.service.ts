import { Inject, Injectable } from '@nestjs/common';
import { mapWithConcurrency } from '@app/http';
import { BookerClient } from '../booker/booker.client.js';
import type { BookerBooking, BookerRoom } from '../booker/booker.types.js';
import { ESSM_CONFIG, type EssmSyncConfig } from '../config.js';
import { LinkRepository } from './link.repository.js';
import { TermTimeClient } from '../termtime/termtime.client.js';
import type { TermTimeActivity } from '../termtime/termtime.types.js';
import { londonToInstant } from '../time/london-time.util.js';
import type { LinkRead } from './events.types.js';

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
  activities: TermTimeActivity[];
  rooms: BookerRoom[];
  /** Booker's bookings from the day before the window to the day after (cancelled ones too). */
  bookings: BookerBooking[];
  /** Links whose booking starts in the window. */
  links: LinkRead[];
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

  async read(): Promise<EventsSnapshot> {
    const started = Date.now();
    const before = { termtime: this.termtime.calls, booker: this.booker.calls };
    const window = await this.resolveWindow();
    const { from, to } = windowInstants(window);
    const [activities, rooms, bookings, links] = await Promise.all([
      this.termtime.listActivities(),
      this.booker.listRooms(),
      this.booker.listBookings({ start: addDays(window.start, -1), end: addDays(window.end, 1) }),
      this.repository.findLinksStartingBetween(from, to),
    ]);
    const lookedUp = await this.linkedNotListed(links, bookings);
    return {
      window,
      activities,
      rooms,
      bookings,
      links,
      lookedUp,
      calls: {
        termtime: this.termtime.calls - before.termtime,
        booker: this.booker.calls - before.booker,
      },
      readMs: Date.now() - started,
    };
  }

  /**
   * A linked booking the window's listing does not hold was moved out of the window by someone in
   * Booker, or deleted: each is asked for by id (a few at a time) and, when Booker still has it,
   * added to `bookings`, so that it is judged as it is (linked, active or cancelled), never taken
   * as gone and booked twice. Returns how many were asked for and found.
   */
  private async linkedNotListed(
    links: readonly LinkRead[],
    bookings: BookerBooking[],
  ): Promise<{ asked: number; found: number }> {
    const listed = new Set(bookings.map((booking) => booking.id));
    const ids = [...new Set(links.map((link) => link.bookingId))].filter((id) => !listed.has(id));
    if (ids.length === 0) return { asked: 0, found: 0 };
    const answers = await mapWithConcurrency(ids, LOOKUP_CONCURRENCY, (id) => this.booker.getBooking(id));
    let found = 0;
    for (const booking of answers) {
      if (booking === null) continue;
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
