import type { JobRunRecord } from '@app/jobs';
import type { FindConflictsSummary } from '../conflicts/find-conflicts.job.js';
import type { EventsRunSummary } from '../events/events-summary.util.js';
import type { RoomsRunSummary } from '../rooms/rooms-sync.service.js';

/** One operation's result as the CLI got it: the run record and the job's typed summary. */
export type OperationResult =
  | { operation: 'sync-rooms'; record: JobRunRecord; summary?: RoomsRunSummary }
  | { operation: 'find-conflicts'; record: JobRunRecord; summary?: FindConflictsSummary }
  | { operation: 'sync-events'; record: JobRunRecord; summary?: EventsRunSummary };

function head(result: OperationResult): string {
  const { record } = result;
  return `${result.operation}${record.dryRun ? ' (dry run)' : ''}: ${record.status}, run ${record.id}`;
}

/** A few readable lines per operation for an operator's terminal. */
export function describeResult(result: OperationResult): string[] {
  const lines = [head(result)];
  const { record } = result;
  if (record.error !== null)
    lines.push(`  ${record.status === 'refused' ? 'refused' : 'error'}: ${record.error}`);
  const would = record.dryRun || record.status === 'refused' ? 'would ' : '';
  switch (result.operation) {
    case 'sync-rooms': {
      const s = result.summary;
      if (s === undefined) break;
      const c = s.plan;
      lines.push(
        `  Booker: ${c.bookerBuildings} building(s), ${c.bookerRooms} room(s) (${c.bookable} bookable); ${c.unchanged} room(s) in step`,
        `  ${would}create ${c.createBuildings} building(s), update ${c.updateBuildings}, create ${c.createFloors} floor(s), ` +
          `create ${c.createRooms} room(s), update ${c.updateRooms}, mark ${c.markRooms} for deletion`,
      );
      if (s.applied !== undefined) lines.push(`  applied ${s.applied.applied}, failed ${s.applied.failed}`);
      for (const failure of (s.failures ?? []).slice(0, 10)) {
        lines.push(`  failed ${failure.kind} ${failure.code}: ${failure.message}`);
      }
      break;
    }
    case 'find-conflicts': {
      const s = result.summary;
      if (s === undefined) break;
      lines.push(
        `  window ${s.window.start} to ${s.window.end}: ${s.bookingsCalledFor} booking(s) called for; ` +
          `${s.termtimeOverlaps} overlap(s) in TermTime, ${s.bookerOverlaps} with Booker bookings not ours` +
          (s.newConflicts === undefined ? '' : ` (${s.newConflicts} new)`),
      );
      break;
    }
    case 'sync-events': {
      const s = result.summary;
      if (s === undefined) break;
      const c = s.plan;
      lines.push(
        `  window ${s.window.start} to ${s.window.end}: ${s.read.activities} activities, ${c.desired} booking(s) called for, ${c.unchanged} unchanged`,
        `  ${would}cancel ${c.cancellations}, update ${c.updates}, create ${c.creates}, re-create ${c.recreates}` +
          `; ${c.adopted} adopted, ${c.skipped} event(s) skipped`,
        `  pre-flight: ${s.conflicts.termtimeOverlaps} overlap(s) in TermTime, ${s.conflicts.bookerOverlaps} with Booker bookings not ours`,
      );
      if (s.applied !== undefined) {
        const a = s.applied;
        lines.push(
          `  applied: ${a.cancelled} cancelled, ${a.updated} updated, ${a.created} created, ${a.recreated} re-created; ` +
            `${a.failed} failed, ${a.notAttempted} not attempted`,
        );
      }
      for (const failure of (s.failures ?? []).slice(0, 10)) {
        const inTheWay = failure.conflictingBookings?.map((b) => `${b.id} "${b.title}"`).join(', ');
        lines.push(
          `  failed ${failure.kind} ${failure.reference}: ${failure.message}${inTheWay ? ` (in the way: ${inTheWay})` : ''}`,
        );
      }
      break;
    }
  }
  return lines;
}

/** 0 succeeded, 1 failed, 2 refused (the worst of the operations run). */
export function exitStatusOf(results: readonly OperationResult[]): 0 | 1 | 2 {
  if (results.some((result) => result.record.status === 'failed')) return 1;
  if (results.some((result) => result.record.status === 'refused')) return 2;
  return 0;
}
