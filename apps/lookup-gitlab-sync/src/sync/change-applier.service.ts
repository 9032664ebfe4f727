import { Inject, Injectable } from '@nestjs/common';
import { mapWithConcurrency } from '@app/http';
import type { AuditInput, JobContext } from '@app/jobs';
import { SYNC_CONFIG, type LookupGitLabSyncConfig } from '../config.js';
import { GitLabClient, type MutationResult } from '../gitlab/gitlab.client.js';
import type { PlannedChange } from './plan.util.js';
import { reasonLabel } from './sync-email.util.js';
import { SyncRepository } from './sync.repository.js';
import type { ApplyResult, ChangeOutcome, StaleBlock, SyncPlan } from './sync.types.js';

/**
 * Changes per database write: each batch's outcomes, blocks and audit rows go in one transaction.
 * Small enough that a crash loses the record of few changes (GitLab's state is the truth the next
 * run reads; what it loses is only "blocked by us", which errs towards leaving a user blocked).
 */
export const RECORD_BATCH = 100;

const AUDIT_ENTITY = 'gitlab_user';

/**
 * Applies a plan to GitLab with bounded concurrency. A refusal about one user (403, 404...) is
 * recorded and the run goes on; a failure that concerns every user (401, 429 after honouring
 * Retry-After, 5xx after retries, no answer) stops the run after the batch in flight is recorded.
 */
@Injectable()
export class ChangeApplier {
  constructor(
    private readonly gitlab: GitLabClient,
    private readonly repository: SyncRepository,
    @Inject(SYNC_CONFIG) private readonly config: LookupGitLabSyncConfig,
  ) {}

  async apply(ctx: JobContext, sync: SyncPlan): Promise<ApplyResult> {
    const started = Date.now();
    const callsBefore = this.gitlab.calls;
    const result: ApplyResult = {
      applied: 0,
      failed: 0,
      unchanged: 0,
      notAttempted: 0,
      releasedBlocks: await this.release(ctx, sync.staleBlocks),
      appliedChanges: [],
      failures: [],
      calls: { gitlab: 0 },
      applyMs: 0,
    };
    const approvalNote =
      sync.approval === undefined
        ? ''
        : `; approved by ${sync.approval.approvedBy} (refused run ${sync.approval.refusedRunId})`;

    let attempted = 0;
    for (let start = 0; start < sync.changes.length && result.aborted === undefined; start += RECORD_BATCH) {
      const batch = sync.changes.slice(start, start + RECORD_BATCH);
      const { outcomes, fatal } = await this.mutate(batch);
      outcomes.sort((a, b) => a.change.userId - b.change.userId);
      const done = outcomes.filter((outcome) => outcome.result === 'applied');
      await this.repository.recordOutcomes(ctx.runId, outcomes, new Date(), (tx) =>
        ctx.auditMany(
          done.map((outcome) => auditOf(outcome.change, approvalNote)),
          tx,
        ),
      );
      attempted += outcomes.length;
      for (const outcome of outcomes) {
        switch (outcome.result) {
          case 'applied':
            result.applied += 1;
            result.appliedChanges.push(outcome.change);
            break;
          case 'unchanged':
            result.unchanged += 1;
            break;
          case 'failed':
            result.failed += 1;
            result.failures.push({
              userId: outcome.change.userId,
              username: outcome.change.username,
              action: outcome.change.action,
              status: outcome.status,
              message: outcome.message,
            });
            break;
        }
      }
      if (fatal !== undefined) result.aborted = fatal;
    }
    result.notAttempted = sync.changes.length - attempted;
    result.calls.gitlab = this.gitlab.calls - callsBefore;
    result.applyMs = Date.now() - started;
    return result;
  }

  /** One batch; after a failure that concerns every user, the changes not yet started are left alone. */
  private async mutate(batch: PlannedChange[]): Promise<{ outcomes: ChangeOutcome[]; fatal?: string }> {
    const outcomes: ChangeOutcome[] = [];
    let fatal: string | undefined;
    await mapWithConcurrency(batch, this.config.SYNC_APPLY_CONCURRENCY, async (change) => {
      if (fatal !== undefined) return;
      try {
        const answer =
          change.action === 'block'
            ? await this.gitlab.blockUser(change.userId)
            : await this.gitlab.unblockUser(change.userId);
        outcomes.push(outcomeOf(change, answer));
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        fatal ??= message;
        const status = (error as { status?: unknown }).status;
        outcomes.push({
          change,
          result: 'failed',
          ...(typeof status === 'number' ? { status } : {}),
          message,
        });
      }
    });
    return { outcomes, fatal };
  }

  /** Forgets blocks of ours that someone else undid, so that we never unblock a user blocked again by hand. */
  private async release(ctx: JobContext, stale: readonly StaleBlock[]): Promise<number> {
    await this.repository.releaseBlocks(
      stale.map((block) => block.userId),
      (tx) =>
        ctx.auditMany(
          stale.map((block) => ({
            action: 'gitlab_sync.block.released',
            entityType: AUDIT_ENTITY,
            entityId: String(block.userId),
            before: { blockedByUs: true, reason: block.reason },
            after: { blockedByUs: false, state: block.stateNow },
            reason:
              `${block.username}: ${block.stateNow === null ? 'no longer in GitLab' : `now ${block.stateNow} in GitLab`}; ` +
              'our block was undone outside the sync, so the sync will not unblock this user',
          })),
          tx,
        ),
    );
    return stale.length;
  }
}

function outcomeOf(change: PlannedChange, answer: MutationResult): ChangeOutcome {
  if (!answer.ok) return { change, result: 'failed', status: answer.status, message: answer.message };
  // Blocked by someone else since we read GitLab: the block is not ours to undo later.
  if (answer.unchanged === true) return { change, result: 'unchanged', message: 'already blocked' };
  return { change, result: 'applied' };
}

function auditOf(change: PlannedChange, approvalNote: string): AuditInput {
  const after = change.action === 'block' ? 'blocked' : 'active';
  const crsid = change.crsid === null ? '' : `, CRSid ${change.crsid}`;
  return {
    action: `gitlab.user.${change.action}`,
    entityType: AUDIT_ENTITY,
    entityId: String(change.userId),
    before: { state: change.state },
    after: { state: after },
    reason: `${reasonLabel(change.reason)} (${change.username}${crsid})${approvalNote}`,
  };
}
