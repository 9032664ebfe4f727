import { formatLondon } from '../time/london-time.util.js';
import { roomIdOf } from '../timetable/desired-bookings.util.js';
import type { BookerBookingLike, DesiredBooking, EventInRoom } from '../timetable/events.types.js';
import { isActive, isOurs } from '../timetable/ownership.util.js';
import { CHECK_EVERY, type Due, runWhole, type Steps } from '../timetable/slices.util.js';

/** One side of a conflict from TermTime: the events of one booking of ours-to-be. */
export interface TermTimeSide {
  reference: string;
  start: string;
  end: string;
  events: Pick<EventInRoom, 'activityCode' | 'activityName' | 'eventId'>[];
}

/** A Booker booking that is not ours. */
export interface BookerSide {
  bookingId: number;
  title: string;
  start: string;
  end: string;
}

export type Conflict =
  | { kind: 'termtime_overlap'; roomCode: string; first: TermTimeSide; second: TermTimeSide }
  | { kind: 'booker_overlap'; roomCode: string; event: TermTimeSide; booking: BookerSide };

export interface ConflictsReport {
  conflicts: Conflict[];
  counts: { termtimeOverlaps: number; bookerOverlaps: number };
}

function sideOf(booking: DesiredBooking): TermTimeSide {
  return {
    reference: booking.reference,
    start: booking.request.start,
    end: booking.request.end,
    events: booking.members.map(({ activityCode, activityName, eventId }) => ({
      activityCode,
      activityName,
      eventId,
    })),
  };
}

/** A stable identity of a conflict, to tell new conflicts from those already reported. */
export function conflictKey(conflict: Conflict): string {
  return conflict.kind === 'termtime_overlap'
    ? `tt:${conflict.first.reference}|${conflict.second.reference}`
    : `bk:${conflict.event.reference}|${conflict.booking.bookingId}`;
}

interface Interval<T> {
  startMs: number;
  endMs: number;
  item: T;
}

/**
 * Pairs of overlapping intervals (touching ends do not overlap), by a sweep over the start times.
 * The intervals still open are kept in one array, compacted in place (a term's rooms hold tens of
 * thousands of bookings called for: no array per booking).
 */
function overlaps<T extends { startMs: number; endMs: number }>(intervals: readonly T[]): [T, T][] {
  const sorted = [...intervals].sort((a, b) => a.startMs - b.startMs || a.endMs - b.endMs);
  const pairs: [T, T][] = [];
  const open: T[] = [];
  for (const current of sorted) {
    let kept = 0;
    for (const other of open) if (other.endMs > current.startMs) open[kept++] = other;
    open.length = kept;
    for (const other of open) pairs.push([other, current]);
    open.push(current);
  }
  return pairs;
}

/**
 * The pre-flight: bookings the timetable calls for that overlap in one room (after merging, when
 * on: events merged into one booking do not conflict), and those that overlap an active Booker
 * booking that is not ours. Each conflict names both sides.
 */
export function findConflicts(
  desired: readonly DesiredBooking[],
  bookings: readonly BookerBookingLike[],
): ConflictsReport {
  return conflictsReport(termtimeOverlaps(desired), bookerOverlaps(desired, bookings));
}

/** The report of both kinds of conflict (TermTime's first). */
export function conflictsReport(termtime: Conflict[], booker: Conflict[]): ConflictsReport {
  return {
    conflicts: [...termtime, ...booker],
    counts: { termtimeOverlaps: termtime.length, bookerOverlaps: booker.length },
  };
}

function byRoomOf(desired: readonly DesiredBooking[]): Map<number, DesiredBooking[]> {
  return runWhole((due) => byRoomSteps(desired, due));
}

function* byRoomSteps(desired: readonly DesiredBooking[], due: Due): Steps<Map<number, DesiredBooking[]>> {
  const byRoom = new Map<number, DesiredBooking[]>();
  for (let i = 0; i < desired.length; i += 1) {
    const booking = desired[i];
    // Not the request's: the run makes requests only for what it writes.
    const roomId = roomIdOf(booking);
    const list = byRoom.get(roomId);
    if (list === undefined) byRoom.set(roomId, [booking]);
    else list.push(booking);
    if (i % CHECK_EVERY === 0 && due()) yield;
  }
  return byRoom;
}

/** Bookings the timetable calls for that overlap in one room: TermTime alone decides (a run works them out while Booker is read). */
export function termtimeOverlaps(desired: readonly DesiredBooking[]): Conflict[] {
  return runWhole((due) => termtimeOverlapsSteps(desired, due));
}

/** `termtimeOverlaps` in steps (slices.util): yields when due, between rooms. */
export function* termtimeOverlapsSteps(desired: readonly DesiredBooking[], due: Due): Steps<Conflict[]> {
  const conflicts: Conflict[] = [];
  const byRoom = yield* byRoomSteps(desired, due);
  for (const list of byRoom.values()) {
    // The bookings themselves are the intervals (their instants): no interval made per booking.
    for (const [first, second] of overlaps(list)) {
      conflicts.push({
        kind: 'termtime_overlap',
        roomCode: first.members[0]?.roomCode ?? '',
        first: sideOf(first),
        second: sideOf(second),
      });
    }
    if (due()) yield;
  }
  return conflicts;
}

/** Bookings the timetable calls for that overlap an active Booker booking that is not ours. */
export function bookerOverlaps(
  desired: readonly DesiredBooking[],
  bookings: readonly BookerBookingLike[],
): Conflict[] {
  const foreignByRoom = new Map<number, BookerBookingLike[]>();
  for (const booking of bookings) {
    if (!isActive(booking) || isOurs(booking)) continue;
    const list = foreignByRoom.get(booking.roomId);
    if (list === undefined) foreignByRoom.set(booking.roomId, [booking]);
    else list.push(booking);
  }
  const conflicts: Conflict[] = [];
  if (foreignByRoom.size === 0) return conflicts;
  const byRoom = byRoomOf(desired);
  type Tagged = { ours?: DesiredBooking; theirs?: BookerBookingLike };
  for (const [room, theirs] of foreignByRoom) {
    const ours = byRoom.get(room) ?? [];
    if (ours.length === 0) continue;
    const intervals: Interval<Tagged>[] = [
      ...ours.map((item) => ({ startMs: item.startMs, endMs: item.endMs, item: { ours: item } })),
      ...theirs.map((item) => ({
        startMs: Date.parse(item.start),
        endMs: Date.parse(item.end),
        item: { theirs: item },
      })),
    ];
    for (const [a, b] of overlaps(intervals)) {
      const event = a.item.ours ?? b.item.ours;
      const booking = a.item.theirs ?? b.item.theirs;
      if (event === undefined || booking === undefined) continue;
      conflicts.push({
        kind: 'booker_overlap',
        roomCode: event.members[0]?.roomCode ?? '',
        event: sideOf(event),
        booking: {
          bookingId: booking.id,
          title: booking.title,
          start: formatLondon(Date.parse(booking.start)),
          end: formatLondon(Date.parse(booking.end)),
        },
      });
    }
  }
  return conflicts;
}
