import type { OpsEmail } from '@app/jobs';
import type { EventsApplied, EventsRun } from './events-decision.js';

/** The operators' email about a refused sync-events run: what it would have done and how to approve it. */
export function eventsRefusedEmail(run: EventsRun, reason: string): OpsEmail {
  const { counts } = run.plan.plan;
  return {
    subject: `essm-sync: sync-events refused (${reason.slice(0, 80)})`,
    text: [
      `sync-events run ${run.runId} was refused and changed nothing: ${reason}.`,
      '',
      `It would have cancelled ${counts.cancellations}, updated ${counts.updates}, created ${counts.creates} ` +
        `and re-created ${counts.recreates} Booker booking(s) (of ${counts.desired} the timetable calls for; ` +
        `${counts.ourBookings} of ours in Booker now).`,
      '',
      'If this is expected (a new term, a large timetable change), an operator can approve it:',
      `POST /runs/${run.runId}/approve (add ?dry_run=1 to preview). The plan is in GET /runs/${run.runId}.`,
    ].join('\n'),
  };
}

export function eventsFailedEmail(
  runId: string,
  error: string,
  applied: EventsApplied | undefined,
): OpsEmail {
  const done =
    applied === undefined
      ? 'It stopped before changing anything in Booker.'
      : `Before it stopped: ${applied.cancelled} cancelled, ${applied.updated} updated, ${applied.created} created, ` +
        `${applied.recreated} re-created, ${applied.failed} failed, ${applied.notAttempted} not attempted. ` +
        'The next run finishes the rest.';
  return {
    subject: 'essm-sync: sync-events failed',
    text: [`sync-events run ${runId} failed: ${error}`, '', done, `Details: GET /runs/${runId}.`].join('\n'),
  };
}
