/**
 * The shapes the events rules read: only the fields they use, so the TermTime and Booker clients'
 * own types (which carry more) fit them as they are.
 */

/** A TermTime event as the rules read it (TermTime's `events[]` of an activity). */
export interface TermTimeEventLike {
  uniqueId: string;
  date: string;
  startTime: string;
  endTime: string;
}

/** A TermTime activity as the rules read it. */
export interface TermTimeActivityLike {
  code: string;
  name: string;
  type: string;
  size?: number | null;
  planSize?: number | null;
  virtual?: number | null;
  scheduled?: number | null;
  scheduledRooms?: readonly string[] | null;
  events?: readonly TermTimeEventLike[] | null;
}

/** A Booker room as the rules read it. */
export interface BookerRoomLike {
  OptimeIndex: number;
  Code: string;
  IsBookable: boolean;
}

/** A Booker booking as the rules read it (the listing returns cancelled ones too). */
export interface BookerBookingLike {
  OptimeIndex: number;
  RoomOptimeIndex: number;
  StartTime: string;
  EndTime: string;
  Title: string;
  ExternalReference?: string | null;
  Status: string;
  Description?: string | null;
  ExpectedAttendees?: number | null;
  BookingType?: string | null;
}

/** What we send to Booker for one booking (a Booking without OptimeIndex, Status, CreatedBy). */
export interface BookingRequest {
  RoomOptimeIndex: number;
  StartTime: string;
  EndTime: string;
  Title: string;
  Description: string;
  ExternalReference: string;
  ExpectedAttendees: number;
  BookingType: string;
}

/** One TermTime event in one of its rooms: a member of a booking. */
export interface EventInRoom {
  activityCode: string;
  activityName: string;
  eventId: string;
  roomCode: string;
  date: string;
  startTime: string;
  endTime: string;
}

/** A booking the timetable calls for: one event in one room, or (merging) all those sharing a room and times. */
export interface DesiredBooking {
  /** Our `ExternalReference`, the booking's identity across runs. */
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
