import { Inject, Injectable } from '@nestjs/common';
import { mapWithConcurrency } from '@app/http';
import type { JobContext } from '@app/jobs';
import { SYNC_CONFIG, type LookupGitLabSyncConfig } from '../config.js';
import { GitLabClient } from '../gitlab/gitlab.client.js';
import { LookupClient } from '../lookup/lookup.client.js';
import { type Plan, type PlannedChange, planSync } from './plan.util.js';
import { usersReadRefusal } from './read-floor.util.js';
import { blocksAfterSettling, findStaleBlocks, settlePending } from './settle.util.js';
import { takeSnapshot } from './snapshot.js';
import { SyncRepository } from './sync.repository.js';
import type { ApprovalSelection, StateOf, SyncPlan } from './sync.types.js';

/** How a run picks what to apply from the fresh plan. */
export interface PlanSelection {
  select(plan: Plan): { changes: PlannedChange[]; approval?: ApprovalSelection };
  /** Refuse a read far smaller than the last successful run's (not for an approval: the operator decided). */
  checkUsersRead: boolean;
}

/**
 * Reads GitLab and Lookup completely (or throws), settles what earlier runs left pending, finds
 * the blocks of ours that someone else undid, and plans. Changes nothing.
 */
@Injectable()
export class SyncPlanner {
  constructor(
    private readonly gitlab: GitLabClient,
    private readonly lookup: LookupClient,
    private readonly repository: SyncRepository,
    @Inject(SYNC_CONFIG) private readonly config: LookupGitLabSyncConfig,
  ) {}

  async plan(ctx: JobContext, selection: PlanSelection): Promise<SyncPlan> {
    const started = Date.now();
    const ourBlocks = await this.repository.findOurBlocks();
    const pending = await this.repository.findPendingActions();
    const previous = selection.checkUsersRead ? await this.repository.findLastUsersRead(ctx.app) : null;
    const calls = { gitlab: this.gitlab.calls, lookup: this.lookup.calls };
    const snapshot = await takeSnapshot(this.gitlab, this.lookup, {
      identityProvider: this.config.GITLAB_IDENTITY_PROVIDER,
      lookupConcurrency: this.config.SYNC_LOOKUP_CONCURRENCY,
    });
    const refusedBecause = usersReadRefusal(
      snapshot.users.length,
      previous,
      this.config.SYNC_MIN_USERS_READ_RATIO,
    );

    // A user of ours missing from the list is not taken as gone: GitLab is asked about them one by
    // one (404 = gone). Not worth asking when the run is refused anyway.
    const read = new Map<number, string>(snapshot.users.map((user) => [user.id, user.state]));
    const missing = [...new Set([...ourBlocks, ...pending].map((row) => row.userId))].filter(
      (userId) => !read.has(userId),
    );
    const confirmed =
      refusedBecause === null ? await this.confirmStates(missing) : new Map<number, string | null>();
    const stateOf: StateOf = (userId) => read.get(userId) ?? confirmed.get(userId);

    const settlements = settlePending(pending, stateOf);
    const blocks = blocksAfterSettling(ourBlocks, settlements);
    const plan = planSync({
      users: snapshot.users,
      people: snapshot.people,
      blockedByUs: new Map(
        blocks
          .filter((block) => block.reason === 'cancelled_in_lookup')
          .map((block) => [block.userId, block.crsid]),
      ),
      identityProvider: this.config.GITLAB_IDENTITY_PROVIDER,
      externalInactiveMonths: this.config.SYNC_EXTERNAL_INACTIVE_MONTHS,
      now: new Date(),
    });
    const selected = selection.select(plan);
    return {
      plan,
      changes: selected.changes,
      ...(selected.approval === undefined ? {} : { approval: selected.approval }),
      staleBlocks: findStaleBlocks(blocks, stateOf),
      settlements,
      ...(refusedBecause === null ? {} : { refusedBecause }),
      calls: { gitlab: this.gitlab.calls - calls.gitlab, lookup: this.lookup.calls - calls.lookup },
      snapshotMs: Date.now() - started,
    };
  }

  /** GitLab's state of each user (null: 404, gone). Any other failure fails the read. */
  private async confirmStates(userIds: readonly number[]): Promise<Map<number, string | null>> {
    const states = await mapWithConcurrency(userIds, this.config.SYNC_APPLY_CONCURRENCY, async (userId) => {
      const user = await this.gitlab.getUserState(userId);
      return [userId, user?.state ?? null] as const;
    });
    return new Map(states);
  }
}
