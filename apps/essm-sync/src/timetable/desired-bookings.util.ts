import { createHash, hash } from 'node:crypto';
import {
  formatLondon,
  londonToInstant,
  londonWallTimeExists,
  WallTimeError,
} from '../time/london-time.util.js';
import type {
  BookerRoomLike,
  BookingRequest,
  DesiredBooking,
  EventInRoom,
  SkippedEvent,
  TermTimeActivityLike,
} from './events.types.js';
import { CHECK_EVERY, type Due, runWhole, sortSteps, type Steps } from './slices.util.js';

/** Every booking of ours carries a reference starting so: what tells our bookings from anyone else's. */
export const REFERENCE_PREFIX = 'termtime:';
const MAX_REFERENCE = 255;
const MAX_TITLE = 200;
/** TermTime's placeholder for "no room". */
const NO_ROOM = 'None';

export interface DesiredOptions {
  /** Activity type name -> Booker booking type; `*` is the default for types not listed. */
  bookingTypes: Readonly<Record<string, string>>;
  mergeSharedRooms: boolean;
  /** Inclusive `YYYY-MM-DD` window of event dates. */
  window: { start: string; end: string };
}

export interface DesiredBookings {
  bookings: DesiredBooking[];
  skipped: SkippedEvent[];
  /** Events in rooms considered (before merging). */
  eventsInRooms: number;
}

/** Our reference for one event in one room, or for a merged group (all its events, one room). */
export function referenceOf(eventIds: readonly string[], roomCode: string): string {
  // join, not a template: one flat string (a template's pieces stay linked, in each of 48,000).
  const plain = [REFERENCE_PREFIX, eventIds.join('+'), '@', roomCode].join('');
  if (plain.length <= MAX_REFERENCE) return plain;
  // Too many events for Booker's 255 characters: the first, their number and a digest of them all.
  const digest = createHash('sha256').update(eventIds.join('+')).digest('hex').slice(0, 16);
  return `${REFERENCE_PREFIX}${eventIds[0] ?? ''}+${eventIds.length - 1}more#${digest}@${roomCode}`.slice(
    0,
    MAX_REFERENCE,
  );
}

export function hashRequest(request: BookingRequest): string {
  return hashOfRequest(
    request.roomId,
    request.start,
    request.end,
    request.title,
    request.description,
    request.externalReference,
    request.expectedAttendees,
    request.bookingType,
  );
}

/** `hashRequest` of the request these fields make, without the request (see SingleDesiredBooking). */
function hashOfRequest(
  roomId: number,
  start: string,
  end: string,
  title: string,
  description: string,
  externalReference: string,
  expectedAttendees: number,
  bookingType: string,
): string {
  const canonical = JSON.stringify([
    roomId,
    start,
    end,
    title,
    description,
    externalReference,
    expectedAttendees,
    bookingType,
  ]);
  // The first 16 bytes, in hex: the first 32 characters of the whole digest's hex, as one flat string
  // (a slice of the hex would keep the whole 64 characters alive in each of 48,000 planned bookings;
  // join copies). The one-shot hash to hex: no Hash object, and no Buffer, per booking (half the time).
  const hex = hash('sha256', canonical, 'hex');
  return [hex.slice(0, 16), hex.slice(16, 32)].join('');
}

/**
 * Why an event whose end is not after its start is skipped. In the skipped hour of the spring
 * change a wall time is read an hour later on the clock (see london-time.util), so an event such
 * as 01:00-02:00 that Sunday has no length: that is said, not "ends before it starts".
 */
function backwardsDetail(event: { date: string; startTime: string; endTime: string }): string {
  const missing = [event.startTime, event.endTime].filter((time) => !londonWallTimeExists(event.date, time));
  if (missing.length > 0) {
    return (
      `local time does not exist: clocks go forward on ${event.date}, from 01:00 straight to 02:00 ` +
      `(${[...new Set(missing)].join(' and ')} is in that hour), so ${event.startTime}-${event.endTime} ` +
      'is no time that day'
    );
  }
  return `ends (${event.endTime}) before it starts (${event.startTime})`;
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

interface Candidate {
  member: EventInRoom;
  room: BookerRoomLike;
  startMs: number;
  endMs: number;
  /** `startMs` and `endMs` as sent (formatLondon). */
  start: string;
  end: string;
  size: number;
  bookingType: string;
}

/**
 * The bookings the timetable calls for: each event of a scheduled activity in each of its
 * scheduled rooms, in the window, converted to instants; skips counted with their reason. With
 * `mergeSharedRooms`, events in one room at the same times are one booking naming all of them.
 */
export function desiredBookings(
  activities: readonly TermTimeActivityLike[],
  rooms: readonly BookerRoomLike[],
  options: DesiredOptions,
): DesiredBookings {
  const builder = desiredBookingsBuilder(rooms, options);
  for (const activity of activities) builder.add(activity);
  return builder.finish();
}

/** `desiredBookings` an activity at a time: a run adds each as it is read and lets it go. */
export interface DesiredBookingsBuilder {
  add(activity: TermTimeActivityLike): void;
  /** The bookings (sorted by reference) and the skips of every activity added. */
  finish(): DesiredBookings;
  /** `finish` in steps (slices.util): the merging and the sort yield when due. */
  finishSteps(due: Due): Steps<DesiredBookings>;
}

const byReference = (a: DesiredBooking, b: DesiredBooking): number =>
  a.reference < b.reference ? -1 : a.reference > b.reference ? 1 : 0;

export function desiredBookingsBuilder(
  rooms: readonly BookerRoomLike[],
  options: DesiredOptions,
): DesiredBookingsBuilder {
  const roomsByCode = new Map(rooms.map((room) => [room.code, room]));
  // Intl is slow for tens of thousands of events; a term has a few hundred distinct instants.
  const formatted = new Map<number, string>();
  const format = (instantMs: number): string => {
    let value = formatted.get(instantMs);
    if (value === undefined) {
      value = formatLondon(instantMs);
      formatted.set(instantMs, value);
    }
    return value;
  };
  // By date, then time: no key string built per event; each instant with its text, formatted once.
  const instants = new Map<string, Map<string, { ms: number; text: string }>>();
  const instant = (date: string, time: string): { ms: number; text: string } => {
    let ofDate = instants.get(date);
    if (ofDate === undefined) instants.set(date, (ofDate = new Map<string, { ms: number; text: string }>()));
    let value = ofDate.get(time);
    if (value === undefined) {
      const ms = londonToInstant(date, time);
      value = { ms, text: format(ms) };
      ofDate.set(time, value);
    }
    return value;
  };
  const skipped: SkippedEvent[] = [];
  const bookings: DesiredBooking[] = [];
  // Merging groups candidates by room and times; otherwise each is its booking at once (an event
  // lists a room once), so none is held.
  const candidates: Candidate[] = [];
  let eventsInRooms = 0;
  const add = (activity: TermTimeActivityLike): void => {
    const skip = (
      reason: SkippedEvent['reason'],
      extra: Omit<SkippedEvent, 'reason' | 'activityCode'> = {},
    ) => skipped.push({ reason, activityCode: activity.code, ...extra });
    const { events } = activity;
    if (activity.virtual) {
      for (const event of events) skip('virtual', { eventId: event.uniqueId });
      return;
    }
    if (!activity.scheduled && events.length === 0) return;
    // A room listed twice is one booking per event, as the reference (event and room) says.
    const roomCodes = [...new Set(activity.scheduledRooms)];
    const bookingType = options.bookingTypes[activity.type] ?? options.bookingTypes['*'];
    for (const event of events) {
      if (event.date < options.window.start || event.date > options.window.end) {
        skip('outside_window', { eventId: event.uniqueId });
        continue;
      }
      if (roomCodes.length === 0) {
        skip('no_room', { eventId: event.uniqueId });
        continue;
      }
      for (const roomCode of roomCodes) {
        const at = { eventId: event.uniqueId, roomCode };
        if (roomCode === NO_ROOM) {
          skip('room_none', at);
          continue;
        }
        const room = roomsByCode.get(roomCode);
        if (room === undefined) {
          skip('unknown_room', { ...at, detail: 'no Booker room has this code' });
          continue;
        }
        if (!room.bookable) {
          skip('room_not_bookable', at);
          continue;
        }
        if (bookingType === undefined) {
          skip('unmapped_type', {
            ...at,
            detail: `activity type '${activity.type}' is not in EVENTS_BOOKING_TYPES`,
          });
          continue;
        }
        let start: { ms: number; text: string };
        let end: { ms: number; text: string };
        try {
          start = instant(event.date, event.startTime);
          end = instant(event.date, event.endTime);
        } catch (error) {
          if (!(error instanceof WallTimeError)) throw error;
          skip('bad_time', { ...at, detail: error.message });
          continue;
        }
        if (end.ms <= start.ms) {
          skip('bad_time', { ...at, detail: backwardsDetail(event) });
          continue;
        }
        eventsInRooms += 1;
        const candidate: Candidate = {
          member: {
            activityCode: activity.code,
            activityName: activity.name,
            eventId: event.uniqueId,
            roomCode,
          },
          room,
          startMs: start.ms,
          endMs: end.ms,
          start: start.text,
          end: end.text,
          size: Math.max(0, Math.trunc(activity.size)),
          bookingType,
        };
        if (options.mergeSharedRooms) candidates.push(candidate);
        else bookings.push(singleBookingOf(candidate, format));
      }
    }
  };
  function* finishSteps(due: Due): Steps<DesiredBookings> {
    if (options.mergeSharedRooms) {
      const groups = new Map<string, Candidate[]>();
      for (let i = 0; i < candidates.length; i += 1) {
        const candidate = candidates[i];
        const key = `${candidate.member.roomCode}|${candidate.startMs}|${candidate.endMs}`;
        const group = groups.get(key);
        if (group === undefined) groups.set(key, [candidate]);
        else group.push(candidate);
        if (i % CHECK_EVERY === 0 && due()) yield;
      }
      for (const group of groups.values()) {
        group.sort((a, b) =>
          a.member.eventId < b.member.eventId ? -1 : a.member.eventId > b.member.eventId ? 1 : 0,
        );
        bookings.push(bookingOf(group, format));
        if (bookings.length % CHECK_EVERY === 0 && due()) yield;
      }
    }
    yield* sortSteps(bookings, byReference, due);
    return { bookings, skipped, eventsInRooms };
  }
  return { add, finish: () => runWhole(finishSteps), finishSteps };
}

function bookingOf(group: Candidate[], format: (instantMs: number) => string): DesiredBooking {
  const first = group[0];
  if (group.length === 1) return singleBookingOf(first, format);
  const members = group.map((candidate) => candidate.member);
  const reference = referenceOf(
    members.map((member) => member.eventId),
    first.member.roomCode,
  );
  const names = [...new Set(members.map((member) => member.activityName))];
  const codes = [...new Set(members.map((member) => member.activityCode))];
  const request: BookingRequest = {
    roomId: first.room.id,
    start: first.start,
    end: first.end,
    title: truncate(names.join(' / '), MAX_TITLE),
    description: truncate(
      [
        `TermTime ${codes.length === 1 ? 'activity' : 'activities'} `,
        codes.join(', '),
        `; ${members.length === 1 ? 'event' : 'events'} `,
        members.map((m) => m.eventId).join(', '),
      ].join(''),
      2000,
    ),
    externalReference: reference,
    expectedAttendees: group.reduce((sum, candidate) => sum + candidate.size, 0),
    bookingType: first.bookingType,
  };
  return {
    reference,
    request,
    hash: hashRequest(request),
    startMs: first.startMs,
    endMs: first.endMs,
    members,
  };
}

/** `bookingOf` for one event in one room (every booking unless merging), the same booking without the sets and lists. */
function singleBookingOf(candidate: Candidate, format: (instantMs: number) => string): DesiredBooking {
  return new SingleDesiredBooking(candidate, format);
}

/** The Booker room of a booking called for, without making its request (see SingleDesiredBooking). */
export function roomIdOf(booking: DesiredBooking): number {
  return booking instanceof SingleDesiredBooking ? booking.roomId : booking.request.roomId;
}

function singleTitle(member: EventInRoom): string {
  return truncate(member.activityName, MAX_TITLE);
}

function singleDescription(member: EventInRoom): string {
  return truncate(['TermTime activity ', member.activityCode, '; event ', member.eventId].join(''), 2000);
}

/**
 * One event in one room as a run holds it (tens of thousands a term): its reference, the hash of its
 * request and what that request is made of. The request itself (an object and a description per
 * booking) is made when first asked for, by a write, a conflict or a summary: a run that leaves a
 * booking alone compares the hash and never makes it. Serialised (a refused run's stored plan) as
 * the plain booking it stands for, the request included.
 */
class SingleDesiredBooking implements DesiredBooking {
  readonly reference: string;
  readonly hash: string;
  readonly startMs: number;
  readonly endMs: number;
  readonly members: EventInRoom[];
  #request: BookingRequest | undefined;
  readonly #roomId: number;
  readonly #expectedAttendees: number;
  readonly #bookingType: string;
  readonly #format: (instantMs: number) => string;

  constructor(candidate: Candidate, format: (instantMs: number) => string) {
    const { member } = candidate;
    this.reference = referenceOf([member.eventId], member.roomCode);
    this.startMs = candidate.startMs;
    this.endMs = candidate.endMs;
    this.members = [member];
    this.#roomId = candidate.room.id;
    this.#expectedAttendees = candidate.size;
    this.#bookingType = candidate.bookingType;
    this.#format = format;
    this.hash = hashOfRequest(
      candidate.room.id,
      candidate.start,
      candidate.end,
      singleTitle(member),
      singleDescription(member),
      this.reference,
      candidate.size,
      candidate.bookingType,
    );
  }

  get roomId(): number {
    return this.#roomId;
  }

  get request(): BookingRequest {
    if (this.#request === undefined) {
      const member = this.members[0];
      this.#request = {
        roomId: this.#roomId,
        start: this.#format(this.startMs),
        end: this.#format(this.endMs),
        title: singleTitle(member),
        description: singleDescription(member),
        externalReference: this.reference,
        expectedAttendees: this.#expectedAttendees,
        bookingType: this.#bookingType,
      };
    }
    return this.#request;
  }

  /** The plain booking, in the order of its fields (as stored before the request was made lazily). */
  toJSON(): DesiredBooking {
    return {
      reference: this.reference,
      request: this.request,
      hash: this.hash,
      startMs: this.startMs,
      endMs: this.endMs,
      members: this.members,
    };
  }
}
