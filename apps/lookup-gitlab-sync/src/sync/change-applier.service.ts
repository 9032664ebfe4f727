import { Inject, Injectable } from '@nestjs/common';
import { mapWithConcurrency } from '@app/http';
import type { ApplyEnding, JobContext, SyncApplier, SyncRun } from '@app/jobs';
import { SYNC_CONFIG, type LookupGitLabSyncConfig } from '../config.js';
import { GitLabClient, GitLabMutationError, type MutationResult } from '../gitlab/gitlab.client.js';
import type { PlannedChange } from './plan.util.js';
import { changeAudit, releaseAudit, settlementAudit } from './sync-audit.util.js';
import { emptyApplyResult } from './sync-summary.util.js';
import { SyncRepository } from './sync.repository.js';
import type { ApplyResult, ChangeOutcome, SyncDecision } from './sync.types.js';

/**
 * Changes per database write. Each batch is written `pending` before it is sent and completed in
 * one transaction (outcomes, blocks, audit rows) after: a crash or a database error leaves the
 * batch `pending`, and the next run settles it from GitLab's state. Round trips are per batch.
 */
export const RECORD_BATCH = 100;

/** Refusals in a row, across batches: many refusals and nothing else point to a cause common to all. */
interface RefusalStreak {
  inRow: number;
  last?: string;
}

/** One run's apply: the tally it reports, and what the batches carry from one to the next. */
export interface ApplyState {
  result: ApplyResult;
  /** Changes the run applies. */
  total: number;
  /** Changes sent so far. */
  sent: number;
  streak: RefusalStreak;
  /** Added to each audit row of an approval run. */
  note: string;
  startedAt: number;
  callsBefore: number;
}

/**
 * Applies a plan to GitLab, one batch at a time (the sync runner checks the run lock before each),
 * with bounded concurrency. A refusal about one user (403, 404...) is recorded and the run goes on;
 * a failure that concerns every user (401, a 403 about the token or maintenance, 429 after
 * honouring Retry-After, 5xx after retries, no answer, an answer GitLab never gives, or
 * SYNC_MAX_CONSECUTIVE_REFUSALS refusals in a row) stops the run after the batch in flight is
 * recorded. Never throws: the result says how far it got, for the run and the email.
 */
@Injectable()
export class ChangeApplier implements SyncApplier<SyncDecision, PlannedChange, ApplyState> {
  readonly batchSize = RECORD_BATCH;

  constructor(
    private readonly gitlab: GitLabClient,
    private readonly repository: SyncRepository,
    @Inject(SYNC_CONFIG) private readonly config: LookupGitLabSyncConfig,
  ) {}

  start(_ctx: JobContext, run: SyncRun<SyncDecision, PlannedChange>): ApplyState {
    const { approval } = run;
    return {
      result: emptyApplyResult(),
      total: run.changes.length,
      sent: 0,
      streak: { inRow: 0 },
      note:
        approval === undefined
          ? ''
          : `; approved by ${approval.approvedBy} (refused run ${approval.refusedRunId})`,
      startedAt: Date.now(),
      callsBefore: this.gitlab.calls,
    };
  }

  /** Records what the run found before applying anything: settled actions and released blocks. */
  async begin(
    ctx: JobContext,
    run: SyncRun<SyncDecision, PlannedChange>,
    state: ApplyState,
  ): Promise<string | undefined> {
    const { settlements, staleBlocks } = run.plan;
    try {
      await this.repository.settle(
        settlements,
        staleBlocks.map((block) => block.userId),
        (tx) =>
          ctx.auditMany(
            [
              ...settlements.filter((s) => s.outcome === 'applied').map(settlementAudit),
              ...staleBlocks.map(releaseAudit),
            ],
            tx,
          ),
      );
    } catch (error) {
      return `the database failed while settling what earlier runs left pending: ${briefly(error)}`;
    }
    state.result.settled = settlements.length;
    state.result.releasedBlocks = staleBlocks.length;
    return undefined;
  }

  async applyBatch(ctx: JobContext, batch: PlannedChange[], state: ApplyState): Promise<string | undefined> {
    const { result } = state;
    let stage = 'recording the changes about to be sent';
    try {
      await this.repository.recordIntents(ctx.runId, batch, new Date());
      const { outcomes, notSent, fatal } = await this.send(batch, state.streak);
      state.sent += outcomes.length;
      tally(result, outcomes);
      stage = "recording GitLab's answers";
      try {
        await this.repository.recordOutcomes(ctx.runId, outcomes, notSent, (tx) =>
          ctx.auditMany(
            outcomes
              .filter((outcome) => outcome.result === 'applied')
              .map((outcome) => changeAudit(outcome.change, auditNote(outcome, state.note))),
            tx,
          ),
        );
      } catch (error) {
        result.unrecorded += outcomes.filter((outcome) => outcome.result === 'applied').length;
        throw error;
      }
      return fatal;
    } catch (error) {
      return `the database failed while ${stage}: ${briefly(error)}`;
    }
  }

  end(state: ApplyState, ending: ApplyEnding): void {
    const { result } = state;
    if (ending.stoppedBecause !== undefined) result.aborted = ending.stoppedBecause;
    result.notAttempted = state.total - state.sent;
    result.calls.gitlab = this.gitlab.calls - state.callsBefore;
    result.applyMs = Date.now() - state.startedAt;
  }

  failure(state: ApplyState): string | undefined {
    return applyFailure(state.result);
  }

  /** One batch; after a failure that concerns every user, the changes not yet started are not sent. */
  private async send(
    batch: PlannedChange[],
    streak: RefusalStreak,
  ): Promise<{ outcomes: ChangeOutcome[]; notSent: PlannedChange[]; fatal?: string }> {
    const outcomes: ChangeOutcome[] = [];
    const notSent: PlannedChange[] = [];
    let fatal: string | undefined;
    await mapWithConcurrency(batch, this.config.SYNC_APPLY_CONCURRENCY, async (change) => {
      if (fatal !== undefined) {
        notSent.push(change);
        return;
      }
      try {
        const answer =
          change.action === 'block'
            ? await this.gitlab.blockUser(change.userId)
            : await this.gitlab.unblockUser(change.userId);
        const outcome = outcomeOf(change, answer);
        outcomes.push(outcome);
        if (outcome.result !== 'failed') {
          streak.inRow = 0;
          return;
        }
        streak.inRow += 1;
        streak.last = `HTTP ${outcome.status ?? '?'} ${outcome.message ?? ''}`.trim();
        if (streak.inRow >= this.config.SYNC_MAX_CONSECUTIVE_REFUSALS) {
          fatal ??=
            `GitLab refused ${streak.inRow} changes in a row (the last: ${streak.last}), which points to a ` +
            "cause common to every user (the token's rights, admin mode, maintenance): stopped after " +
            'SYNC_MAX_CONSECUTIVE_REFUSALS refusals';
        }
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        fatal ??= `GitLab failed while the changes were applied: ${message}`;
        const maybeApplied = error instanceof GitLabMutationError && error.maybeApplied;
        const status = error instanceof GitLabMutationError ? error.status : undefined;
        outcomes.push({
          change,
          result: maybeApplied ? 'in_doubt' : 'failed',
          ...(status === undefined ? {} : { status }),
          message,
        });
      }
    });
    // In user order, whatever order GitLab answered in: the records and audit rows read in that order.
    outcomes.sort((a, b) => a.change.userId - b.change.userId);
    return { outcomes, notSent, fatal };
  }
}

function tally(result: ApplyResult, outcomes: readonly ChangeOutcome[]): void {
  for (const outcome of outcomes) {
    switch (outcome.result) {
      case 'applied':
        result.applied += 1;
        result.appliedChanges.push(outcome.change);
        break;
      case 'unchanged':
        result.unchanged += 1;
        break;
      case 'in_doubt':
        result.inDoubt += 1;
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
}

const AFTER_LOST_ANSWER =
  'an earlier attempt went unanswered and GitLab then found the change already made: taken as ours';

function outcomeOf(change: PlannedChange, answer: MutationResult): ChangeOutcome {
  if (!answer.ok) return { change, result: 'failed', status: answer.status, message: answer.message };
  // Blocked by someone else since we read GitLab (no attempt of ours went unanswered): not ours to undo.
  if (answer.unchanged === true) return { change, result: 'unchanged', message: 'already blocked' };
  if (answer.afterLostAnswer === true) return { change, result: 'applied', message: AFTER_LOST_ANSWER };
  return { change, result: 'applied' };
}

/**
 * The gist of an error: the last line of a multi-line message (Prisma's messages start with a code
 * frame naming our source files and end with the database's own words), at most 300 characters.
 */
function briefly(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const lines = message
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
  return (lines.at(-1) ?? message).slice(0, 300);
}

function auditNote(outcome: ChangeOutcome, note: string): string {
  return outcome.message === undefined ? note : `${note}; ${outcome.message}`;
}

/**
 * Why an applied run counts as failed: it stopped before the end, or GitLab refused every change
 * it was sent and applied none (a refusal that concerns everyone, e.g. a token without the rights).
 */
export function applyFailure(applied: ApplyResult): string | undefined {
  if (applied.aborted !== undefined) return applied.aborted;
  if (applied.failed > 0 && applied.applied === 0) {
    const first = applied.failures[0];
    const example =
      first === undefined ? '' : ` (the first: HTTP ${first.status ?? '?'} ${first.message ?? ''})`;
    return `GitLab refused all ${applied.failed} change(s) it was sent and applied none${example}`;
  }
  return undefined;
}
