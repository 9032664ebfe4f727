import type { OpsEmail } from '@app/jobs';
import type { Conflict, TermTimeSide } from './conflicts.util.js';

const LISTED = 50;

function side(s: TermTimeSide): string {
  const events = s.events.map((e) => `${e.activityCode} (${e.activityName}, event ${e.eventId})`).join(' + ');
  return `${events} ${s.start} to ${s.end}`;
}

/** One line per conflict: both sides, with the room. */
export function describeConflict(conflict: Conflict): string {
  return conflict.kind === 'termtime_overlap'
    ? `room ${conflict.roomCode}: ${side(conflict.first)} overlaps ${side(conflict.second)} (both in TermTime)`
    : `room ${conflict.roomCode}: ${side(conflict.event)} overlaps Booker booking ${conflict.booking.bookingId} ` +
        `"${conflict.booking.title}" ${conflict.booking.start} to ${conflict.booking.end}`;
}

/** The operators' email about conflicts the previous report did not have. */
export function conflictsEmail(
  runId: string,
  job: string,
  fresh: readonly Conflict[],
  total: number,
): OpsEmail {
  const lines = fresh.slice(0, LISTED).map((conflict) => `- ${describeConflict(conflict)}`);
  if (fresh.length > LISTED) lines.push(`- ... and ${fresh.length - LISTED} more (GET /conflicts)`);
  return {
    subject: `essm-sync: ${fresh.length} new room conflict(s) in the timetable`,
    text: [
      `The pre-flight of ${job} run ${runId} found ${fresh.length} new conflict(s) (${total} in all).`,
      'Bookings in these slots will be refused by Booker (409) until the timetable or the booking changes;',
      'shared rooms can be booked once with EVENTS_MERGE_SHARED_ROOMS=true.',
      '',
      ...lines,
    ].join('\n'),
  };
}
