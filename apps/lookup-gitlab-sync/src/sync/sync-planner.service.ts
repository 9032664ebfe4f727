import { Inject, Injectable } from '@nestjs/common';
import { mapWithConcurrency } from '@app/http';
import { SYNC_CONFIG, type LookupGitLabSyncConfig } from '../config.js';
import { GitLabClient } from '../gitlab/gitlab.client.js';
import { LookupClient } from '../lookup/lookup.client.js';
import { planSync } from './plan.util.js';
import { blocksAfterSettling, findStaleBlocks, settlePending } from './settle.util.js';
import { type Snapshot, takeSnapshot } from './snapshot.js';
import { SyncRepository } from './sync.repository.js';
import type { OurBlock, PendingAction, StateOf, SyncDecision } from './sync.types.js';

/** What a run read, all of it or nothing: the snapshot and our own records. */
export interface SyncReading {
  snapshot: Snapshot;
  ourBlocks: OurBlock[];
  pending: PendingAction[];
  startedAt: number;
  callsBefore: { gitlab: number; lookup: number };
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

  async read(): Promise<SyncReading> {
    const startedAt = Date.now();
    const ourBlocks = await this.repository.findOurBlocks();
    const pending = await this.repository.findPendingActions();
    const callsBefore = { gitlab: this.gitlab.calls, lookup: this.lookup.calls };
    const snapshot = await takeSnapshot(this.gitlab, this.lookup, {
      identityProvider: this.config.GITLAB_IDENTITY_PROVIDER,
      lookupConcurrency: this.config.SYNC_LOOKUP_CONCURRENCY,
    });
    return { snapshot, ourBlocks, pending, startedAt, callsBefore };
  }

  /** `refused`: the run is refused already (its read is implausible), so missing users are not asked about. */
  async plan(reading: SyncReading, refused: boolean): Promise<SyncDecision> {
    const { snapshot, ourBlocks, pending } = reading;
    // A user of ours missing from the list is not taken as gone: GitLab is asked about them one by
    // one (404 = gone). Not worth asking when the run is refused anyway.
    const read = new Map<number, string>(snapshot.users.map((user) => [user.id, user.state]));
    const missing = [...new Set([...ourBlocks, ...pending].map((row) => row.userId))].filter(
      (userId) => !read.has(userId),
    );
    const confirmed = refused ? new Map<number, string | null>() : await this.confirmStates(missing);
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
    return {
      plan,
      staleBlocks: findStaleBlocks(blocks, stateOf),
      settlements,
      calls: {
        gitlab: this.gitlab.calls - reading.callsBefore.gitlab,
        lookup: this.lookup.calls - reading.callsBefore.lookup,
      },
      snapshotMs: Date.now() - reading.startedAt,
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
