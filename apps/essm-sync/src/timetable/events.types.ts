/**
 * The shapes the events rules read: only the fields they use of the TermTime and Booker clients'
 * own types, so tests build them small and the clients' answers fit as they are.
 */

import type { BookerBooking, BookerRoom, BookingInput } from '../booker/booker.types.js';
import type { TermTimeActivity, TermTimeEvent } from '../termtime/termtime.types.js';

/** A TermTime event as the rules read it. */
export type TermTimeEventLike = Pick<TermTimeEvent, 'uniqueId' | 'date' | 'startTime' | 'endTime'>;

/** A TermTime activity as the rules read it. */
export type TermTimeActivityLike = Pick<
  TermTimeActivity,
  'code' | 'name' | 'type' | 'size' | 'virtual' | 'scheduled' | 'scheduledRooms'
> & { events: readonly TermTimeEventLike[] };

/** A Booker room as the rules read it. */
export type BookerRoomLike = Pick<BookerRoom, 'id' | 'code' | 'bookable'>;

/** A Booker booking as the rules read it (the listing returns cancelled ones too). */
export type BookerBookingLike = Pick<
  BookerBooking,
  'id' | 'roomId' | 'start' | 'end' | 'title' | 'externalReference' | 'status'
> &
  Partial<Pick<BookerBooking, 'description' | 'expectedAttendees' | 'bookingType'>>;

/** What we send to Booker for one booking. */
export type BookingRequest = BookingInput;

/** One TermTime event in one of its rooms: a member of a booking. */
export interface EventInRoom {
  activityCode: string;
  activityName: string;
  eventId: string;
  roomCode: string;
}

/** A booking the timetable calls for: one event in one room, or (merging) all those sharing a room and times. */
export interface DesiredBooking {
  /** Our `externalReference`, the booking's identity across runs. */
  reference: string;
  request: BookingRequest;
  /** Hash of what we send: unchanged hash, no call. */
  hash: string;
  startMs: number;
  endMs: number;
  members: EventInRoom[];
}

/** A row of the link table: TermTime event(s) and room <-> Booker booking. */
export interface BookingLink {
  reference: string;
  bookingId: number;
  hash: string;
  roomCode: string;
  eventIds: string[];
  startsAt: Date;
}

/**
 * A link as a run reads it: what the plan compares (the start only selects the rows). A run reads
 * them without their event ids, which only a cancellation names: it reads those afterwards.
 */
export type LinkRead = Omit<BookingLink, 'startsAt' | 'eventIds'> & { eventIds?: string[] };

/** Why an event in a room gets no booking. */
export type SkipReason =
  | 'virtual'
  | 'not_scheduled'
  | 'no_room'
  | 'room_none'
  | 'unknown_room'
  | 'room_not_bookable'
  | 'unmapped_type'
  | 'bad_time'
  | 'outside_window';

export interface SkippedEvent {
  reason: SkipReason;
  activityCode: string;
  eventId?: string;
  roomCode?: string;
  detail?: string;
}
