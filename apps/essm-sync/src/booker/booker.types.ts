/**
 * What essm-sync knows of Booker (EventMap's room booking system), in the app's own words.
 * Booker's API is not public; `BookerClient` speaks the model this project uses (see the client)
 * and maps its PascalCase wire format to and from these types. Nothing outside `booker/` sees a
 * Booker path or wire name, so the real ones can be swapped in inside the client alone.
 */

export type BookerBookingStatus = 'Confirmed' | 'Cancelled';

/** A booking as Booker lists it (cancelled ones included). */
export interface BookerBooking {
  /** Booker's id (`OptimeIndex`). */
  id: number;
  /** The room's Booker id. */
  roomId: number;
  /** ISO 8601 with offset, as Booker sent it (`2025-10-20T09:00:00+01:00`). */
  start: string;
  /** ISO 8601 with offset. */
  end: string;
  title: string;
  description: string;
  /** Free for the caller's use; unique among non-cancelled bookings. null when unset. */
  externalReference: string | null;
  expectedAttendees: number;
  bookingType: string;
  status: BookerBookingStatus;
  /** Who made it (our service account for ours; anyone for the rest). */
  createdBy: string;
}

/** What creating or updating a booking sends (an update sends the whole booking). */
export interface BookingInput {
  roomId: number;
  /** ISO 8601 with offset (`2025-10-20T09:00:00+01:00`). */
  start: string;
  /** ISO 8601 with offset, after `start`. */
  end: string;
  /** At most 200 characters. */
  title: string;
  description: string;
  /** At most 255 characters; names the TermTime event and room (see the planner). */
  externalReference: string;
  expectedAttendees: number;
  bookingType: string;
}

/** A booking just created. */
export interface CreatedBooking {
  id: number;
  /**
   * True when the create's answer was lost (5xx, no answer) and the booking was then found under
   * its ExternalReference: made by this call, not a second time.
   */
  foundAfterLostAnswer: boolean;
}

/** Bookings overlapping these dates (`YYYY-MM-DD`, both included; days in UTC). */
export interface BookingWindow {
  start: string;
  end: string;
}

export interface BookerRoom {
  /** Booker's id (`OptimeIndex`). */
  id: number;
  code: string;
  name: string;
  /** The building's Booker id. */
  buildingId: number;
  /** null when Booker has none (the sync then uses its default floor). */
  floorName: string | null;
  /** null when Booker has none. */
  capacity: number | null;
  roomType: string | null;
  bookable: boolean;
}

export interface BookerBuilding {
  /** Booker's id (`OptimeIndex`). */
  id: number;
  code: string;
  name: string;
  siteName: string | null;
}
