import { describe, expect, it } from '@jest/globals';
import type { Plan, PlannedChange } from './plan.util.js';
import { changedEmail, changeLine, EMAIL_ENTRIES, failedEmail, refusedEmail } from './sync-email.util.js';
import { emptyApplyResult } from './sync-summary.util.js';
import type { ApplyResult, SyncPlan } from './sync.types.js';

const RUN = '11111111-2222-4333-8444-555555555555';

function change(userId: number, overrides: Partial<PlannedChange> = {}): PlannedChange {
  return {
    userId,
    action: 'block',
    username: `ab${userId}`,
    crsid: `ab${userId}`,
    reason: 'cancelled_in_lookup',
    state: 'active',
    ...overrides,
  };
}

function syncPlan(changes: PlannedChange[]): SyncPlan {
  const counts = { usersRead: 500, considered: 480, cancelled: changes.length, unknownInLookup: 3 };
  return {
    plan: { changes, counts, unknownCrsids: [] } as unknown as Plan,
    changes,
    staleBlocks: [],
    settlements: [],
    calls: { gitlab: 5, lookup: 3 },
    snapshotMs: 1,
  };
}

describe('operator emails', () => {
  it.each<[PlannedChange, string]>([
    [change(7), '  block   ab7 (user 7, CRSid ab7): cancelled in Lookup'],
    [
      change(8, { action: 'unblock', reason: 'no_longer_cancelled' }),
      '  unblock ab8 (user 8, CRSid ab8): no longer cancelled in Lookup',
    ],
    [
      change(9, { username: 'external-x-9', crsid: null, reason: 'external_inactive' }),
      '  block   external-x-9 (user 9): external user, inactive too long',
    ],
  ])('lists a change as one line: %j', (planned, line) => {
    expect(changeLine(planned)).toBe(line);
  });

  it('refused: the size, the limit, the first entries and how to approve', () => {
    const changes = Array.from({ length: EMAIL_ENTRIES + 5 }, (_, i) => change(i + 1));
    const email = refusedEmail(
      RUN,
      syncPlan(changes),
      '25 planned changes exceed 5% of the 480 considered (at most 24)',
    );
    expect(email.subject).toBe(
      '[lookup-gitlab-sync] sync refused: 25 changes planned, over the safety limit',
    );
    expect(email.text).toContain('25 planned changes exceed 5% of the 480 considered (at most 24)');
    expect(email.text).toContain('25 block(s) and 0 unblock(s) among 480 users considered');
    expect(email.text).toContain(changeLine(change(EMAIL_ENTRIES)));
    expect(email.text).not.toContain(changeLine(change(EMAIL_ENTRIES + 1)));
    expect(email.text).toContain('... and 5 more');
    expect(email.text).toContain(
      `curl -X POST -H "Authorization: Bearer $TOKEN" "$SERVICE_URL/runs/${RUN}/approve"`,
    );
  });

  it('refused for a read far smaller than the last: says so in the subject', () => {
    const sync = { ...syncPlan([change(1)]), refusedBecause: '100 GitLab users read, fewer than 50%' };
    const email = refusedEmail(RUN, sync, sync.refusedBecause);
    expect(email.subject).toBe(
      '[lookup-gitlab-sync] sync refused: 1 changes planned, too few GitLab users read',
    );
    expect(email.text).toContain(
      `The GitLab sync run ${RUN} changed nothing: 100 GitLab users read, fewer than 50%.`,
    );
  });

  it('failed before applying: says nothing changed', () => {
    const email = failedEmail(RUN, 'GitLab: reading a users page failed: HTTP 500');
    expect(email.subject).toBe(
      '[lookup-gitlab-sync] sync failed: GitLab: reading a users page failed: HTTP 500',
    );
    expect(email.text).toContain('Nothing was changed');
  });

  it('failed while applying: says how far it got', () => {
    const partly = { ...emptyApplyResult(), applied: 3, failed: 1, notAttempted: 4 };
    const text = failedEmail(RUN, 'GitLab: HTTP 502', partly).text;
    expect(text).toContain(
      '3 change(s) applied, 1 refused by GitLab, 0 already so, 0 sent without a usable answer, 4 not attempted',
    );
    expect(text).not.toContain('Nothing was changed');
    expect(text).not.toContain('pending');
  });

  it('failed before sending anything (a database error before the first batch): says nothing changed', () => {
    const partly = { ...emptyApplyResult(), notAttempted: 4, aborted: 'the database failed' };
    expect(failedEmail(RUN, 'the database failed', partly).text).toContain('Nothing was changed');
  });

  it('failed after settling earlier runs only: never says nothing changed', () => {
    const partly = { ...emptyApplyResult(), settled: 2, releasedBlocks: 1, notAttempted: 4 };
    const text = failedEmail(RUN, 'the database failed', partly).text;
    expect(text).not.toContain('Nothing was changed');
    expect(text).toContain('recorded 2 change(s) left pending by earlier runs and forgot 1 block(s)');
  });

  it('failed while recording: says what may be changed without a record, and that the next run settles it', () => {
    const partly = { ...emptyApplyResult(), applied: 5, inDoubt: 1, unrecorded: 5, notAttempted: 94 };
    const text = failedEmail(RUN, 'the database failed while recording', partly).text;
    expect(text).not.toContain('Nothing was changed');
    expect(text).toContain(
      '6 change(s) may have been made in GitLab without being recorded (5 made but not recorded',
    );
    expect(text).toContain('the next run settles them');
  });

  it('changed: what was applied, who approved, what GitLab refused', () => {
    const applied = {
      applied: 2,
      failed: 1,
      appliedChanges: [change(1), change(2, { action: 'unblock', reason: 'no_longer_cancelled' })],
      failures: [{ userId: 3, username: 'ab3', action: 'block', status: 403, message: 'Forbidden' }],
    } as ApplyResult;
    const email = changedEmail(RUN, applied, 'ops@example.org');
    expect(email.subject).toBe('[lookup-gitlab-sync] sync applied 2 change(s), 1 refused');
    expect(email.text).toContain('1 block(s) and 1 unblock(s), as approved by ops@example.org');
    expect(email.text).toContain('ab3 (user 3): 403 Forbidden');
  });
});
