import type { ApprovalSelection, SyncRun } from '@app/jobs';
import type { ConflictsReport } from '../conflicts/conflicts.util.js';
import type { EventsWindow } from '../timetable/events-reader.service.js';
import type { EventChange, EventsPlan } from './events-plan.util.js';
import type { SkippedEvent } from '../timetable/events.types.js';

export const SYNC_EVENTS_JOB = 'sync-events';

/** What a 409's details say of a booking in the way (its id is the key): no more is kept. */
export interface BookingInTheWay {
  title: string;
  start: string;
  end: string;
  /** A booking of this app. */
  ours: boolean;
}

/** What a sync-events run found and decided before changing anything. */
export interface EventsDecision {
  window: EventsWindow;
  plan: EventsPlan;
  skipped: SkippedEvent[];
  /** The pre-flight on the same read. */
  conflicts: ConflictsReport;
  /** The active bookings in the rooms the plan books, by id, as far as a 409's details name them: those in the way. */
  bookingsById: ReadonlyMap<number, BookingInTheWay>;
  read: {
    activities: number;
    eventsInRooms: number;
    bookings: number;
    links: number;
    /** Linked bookings the listing did not hold, asked for by id (moved out of the window, or deleted). */
    lookedUp: { asked: number; found: number };
    calls: { termtime: number; booker: number };
    readMs: number;
  };
}

/** A booking that Booker refused or failed; the next run plans it again. */
export interface BookingFailure {
  kind: EventChange['kind'];
  reference: string;
  bookingId?: number;
  status?: number;
  message: string;
  /** For a 409: the bookings in the way, as read (ours says whether it is a booking of this app). */
  conflictingBookings?: { id: number; title: string; start: string; end: string; ours: boolean }[];
}

/** What the apply did, as it went. */
export interface EventsApplied {
  created: number;
  recreated: number;
  updated: number;
  cancelled: number;
  adopted: number;
  droppedLinks: number;
  failed: number;
  notAttempted: number;
  failures: BookingFailure[];
  /** New conflicts of the pre-flight (emailed). */
  newConflicts: number;
  calls: { booker: number };
  applyMs: number;
  aborted?: string;
}

export type EventsRun = SyncRun<EventsDecision, EventChange>;

export interface EventsApprovalInfo {
  approval?: ApprovalSelection;
}
