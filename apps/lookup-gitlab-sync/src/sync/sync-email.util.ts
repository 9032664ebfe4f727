import type { ChangeReason, PlannedChange } from './plan.util.js';
import type { ApplyResult, SyncPlan } from './sync.types.js';

/** Plan entries an email lists. */
export const EMAIL_ENTRIES = 20;
const SUBJECT_PREFIX = '[lookup-gitlab-sync]';

export interface SyncEmail {
  subject: string;
  text: string;
}

export function reasonLabel(reason: ChangeReason): string {
  switch (reason) {
    case 'cancelled_in_lookup':
      return 'cancelled in Lookup';
    case 'external_inactive':
      return 'external user, inactive too long';
    case 'no_longer_cancelled':
      return 'no longer cancelled in Lookup';
  }
}

export function changeLine(change: PlannedChange): string {
  const crsid = change.crsid === null ? '' : `, CRSid ${change.crsid}`;
  return `  ${change.action.padEnd(7)} ${change.username} (user ${change.userId}${crsid}): ${reasonLabel(change.reason)}`;
}

function firstEntries(changes: readonly PlannedChange[]): string[] {
  const lines = changes.slice(0, EMAIL_ENTRIES).map(changeLine);
  if (changes.length > EMAIL_ENTRIES) lines.push(`  ... and ${changes.length - EMAIL_ENTRIES} more`);
  return lines;
}

function tally(changes: readonly PlannedChange[]): string {
  const blocks = changes.filter((c) => c.action === 'block').length;
  return `${blocks} block(s) and ${changes.length - blocks} unblock(s)`;
}

/**
 * To operators when a run is refused (a plan over the safety limits, or a read far smaller than the
 * last successful run's): what, why, and how to approve.
 */
export function refusedEmail(runId: string, sync: SyncPlan, reason: string): SyncEmail {
  const counts = sync.plan.counts;
  const why = sync.refusedBecause === undefined ? 'over the safety limit' : 'too few GitLab users read';
  return {
    subject: `${SUBJECT_PREFIX} sync refused: ${sync.changes.length} changes planned, ${why}`,
    text: [
      `The GitLab sync run ${runId} changed nothing: ${reason}.`,
      '',
      `It planned ${tally(sync.changes)} among ${counts.considered} users considered ` +
        `(${counts.usersRead} read, ${counts.cancelled} cancelled in Lookup, ${counts.unknownInLookup} unknown to Lookup).`,
      'A large plan usually means something upstream is wrong (a Lookup outage, a changed identity',
      'provider); check before approving. The first entries:',
      '',
      ...firstEntries(sync.changes),
      '',
      'The whole plan is in the run record (GET /runs/<id>) and in platform.planned_change.',
      'To apply it anyway, approve the run as an operator. The approval reads GitLab and Lookup again',
      'and applies only the changes that are still called for and were in this plan:',
      '',
      `  curl -X POST -H "Authorization: Bearer $TOKEN" "$SERVICE_URL/runs/${runId}/approve?dry_run=1"   # preview`,
      `  curl -X POST -H "Authorization: Bearer $TOKEN" "$SERVICE_URL/runs/${runId}/approve"`,
      '',
      "$SERVICE_URL is this service's URL; $TOKEN an operator's identity token",
      '(`gcloud auth print-identity-token`) or, locally, the operator token.',
    ].join('\n'),
  };
}

/** To operators when a run fails: nothing, or what was changed, sent or recorded before it stopped. */
export function failedEmail(runId: string, error: string, partly?: ApplyResult): SyncEmail {
  return {
    subject: `${SUBJECT_PREFIX} sync failed: ${error.slice(0, 120)}`,
    text: [
      `The GitLab sync run ${runId} failed: ${error}`,
      '',
      ...howFar(partly),
      '',
      `Details: GET /runs/${runId}`,
    ].join('\n'),
  };
}

/** What a failed run did before it stopped: never "nothing" when something was sent or written. */
function howFar(partly: ApplyResult | undefined): string[] {
  const sent = partly === undefined ? 0 : partly.applied + partly.failed + partly.unchanged + partly.inDoubt;
  const written = partly === undefined ? 0 : partly.releasedBlocks + partly.settled;
  if (partly === undefined || (sent === 0 && written === 0)) {
    return [
      'Nothing was changed: the sync changes nothing unless it has read GitLab and Lookup completely,' +
        ' and this run stopped before sending any change.',
    ];
  }
  const lines = [
    `It stopped while applying: ${partly.applied} change(s) applied, ${partly.failed} refused by GitLab, ` +
      `${partly.unchanged} already so, ${partly.inDoubt} sent without a usable answer, ${partly.notAttempted} not attempted.`,
  ];
  if (written > 0) {
    lines.push(
      `Before that it recorded ${partly.settled} change(s) left pending by earlier runs and forgot ` +
        `${partly.releasedBlocks} block(s) undone outside the sync.`,
    );
  }
  if (partly.inDoubt > 0 || partly.unrecorded > 0) {
    lines.push(
      `${partly.inDoubt + partly.unrecorded} change(s) may have been made in GitLab without being recorded ` +
        `(${partly.unrecorded} made but not recorded because of the failure): they stay pending in ` +
        'gitlab_sync.sync_action, and the next run settles them from what GitLab shows then.',
    );
  }
  lines.push('The next run plans again from what GitLab shows then.');
  return lines;
}

/** To operators after a run that changed something (SYNC_NOTIFY_ON_CHANGE=true). */
export function changedEmail(runId: string, applied: ApplyResult, approvedBy?: string): SyncEmail {
  const failures = applied.failures
    .slice(0, EMAIL_ENTRIES)
    .map(
      (f) => `  ${f.action.padEnd(7)} ${f.username} (user ${f.userId}): ${f.status ?? ''} ${f.message ?? ''}`,
    );
  return {
    subject: `${SUBJECT_PREFIX} sync applied ${applied.applied} change(s)${applied.failed > 0 ? `, ${applied.failed} refused` : ''}`,
    text: [
      `The GitLab sync run ${runId} applied ${tally(applied.appliedChanges)}` +
        `${approvedBy === undefined ? '' : `, as approved by ${approvedBy}`}.`,
      '',
      ...firstEntries(applied.appliedChanges),
      ...(failures.length > 0 ? ['', `GitLab refused ${applied.failed}:`, ...failures] : []),
      '',
      `Details: GET /runs/${runId}`,
    ].join('\n'),
  };
}
