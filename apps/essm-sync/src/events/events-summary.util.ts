import type { SafetyLimits, SyncEnding } from '@app/jobs';
import type { Conflict } from '../conflicts/conflicts.util.js';
import type { BookingFailure, EventsApplied, EventsRun } from './events-decision.js';
import type { EventChange, EventsPlanCounts, RecreatedBecause } from './events-plan.util.js';
import type { SkippedEvent } from '../timetable/events.types.js';

/** Entries of each list a run's summary shows; the counts are always whole. */
export const LISTED = 500;

export interface PlannedBookingLine {
  reference: string;
  bookingId?: number;
  roomCode: string;
  eventIds: string[];
  activityCodes: string[];
  start?: string;
  end?: string;
  recreates?: { bookingId: number; status: RecreatedBecause };
  why?: 'gone' | 'stray';
}

export interface EventsRunSummary {
  window: { start: string; end: string };
  read: EventsRun['plan']['read'];
  plan: EventsPlanCounts;
  changes: {
    cancellations: PlannedBookingLine[];
    updates: PlannedBookingLine[];
    creates: PlannedBookingLine[];
    notListed: number;
  };
  skips: SkippedEvent[];
  skipsNotListed: number;
  conflicts: { termtimeOverlaps: number; bookerOverlaps: number; listed: Conflict[]; notListed: number };
  limits: SafetyLimits | null;
  approval?: EventsRun['approval'];
  applied?: Omit<EventsApplied, 'failures'>;
  failures?: BookingFailure[];
  ending: SyncEnding;
}

function lineOf(change: EventChange): PlannedBookingLine {
  switch (change.kind) {
    case 'cancel':
      return {
        reference: change.reference,
        bookingId: change.bookingId,
        roomCode: change.roomCode,
        eventIds: change.eventIds,
        activityCodes: [],
        why: change.why,
      };
    case 'update':
    case 'create': {
      const { booking } = change;
      return {
        reference: change.reference,
        ...(change.kind === 'update' ? { bookingId: change.bookingId } : {}),
        roomCode: booking.members[0]?.roomCode ?? '',
        eventIds: booking.members.map((member) => member.eventId),
        activityCodes: [...new Set(booking.members.map((member) => member.activityCode))],
        start: booking.request.start,
        end: booking.request.end,
        ...(change.kind === 'create' && change.recreates !== undefined
          ? { recreates: change.recreates }
          : {}),
      };
    }
  }
}

/** The run's summary: the plan with TermTime and Booker ids (lists capped at LISTED), and what was applied. */
export function describeEventsRun(
  run: EventsRun,
  applied: EventsApplied | undefined,
  ending: SyncEnding,
): EventsRunSummary {
  const { plan: decision } = run;
  const lists = {
    cancellations: [] as PlannedBookingLine[],
    updates: [] as PlannedBookingLine[],
    creates: [] as PlannedBookingLine[],
  };
  let notListed = 0;
  for (const change of run.changes) {
    const list =
      change.kind === 'cancel'
        ? lists.cancellations
        : change.kind === 'update'
          ? lists.updates
          : lists.creates;
    if (list.length < LISTED) list.push(lineOf(change));
    else notListed += 1;
  }
  const { conflicts } = decision;
  const summary: EventsRunSummary = {
    window: decision.window,
    read: decision.read,
    plan: decision.plan.counts,
    changes: { ...lists, notListed },
    skips: decision.skipped.slice(0, LISTED),
    skipsNotListed: Math.max(0, decision.skipped.length - LISTED),
    conflicts: {
      ...conflicts.counts,
      listed: conflicts.conflicts.slice(0, LISTED),
      notListed: Math.max(0, conflicts.conflicts.length - LISTED),
    },
    limits: run.limits,
    ending,
  };
  if (run.approval !== undefined) summary.approval = run.approval;
  if (applied !== undefined) {
    const { failures, ...rest } = applied;
    summary.applied = rest;
    summary.failures = failures.slice(0, LISTED);
  }
  return summary;
}
