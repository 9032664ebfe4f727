import type { GitLabClient } from '../gitlab/gitlab.client.js';
import type { GitLabUser } from '../gitlab/gitlab.types.js';
import type { LookupClient } from '../lookup/lookup.client.js';
import type { LookupPerson } from '../lookup/lookup.types.js';
import { crsidOf, isConsidered } from './plan.util.js';

export interface SnapshotOptions {
  identityProvider: string;
  /** Lookup batches in flight at once while GitLab paging goes on. */
  lookupConcurrency: number;
}

export interface Snapshot {
  /** Every GitLab user, in id order. */
  users: GitLabUser[];
  /** Lookup's answer for the CRSids of the users the sync may act on; absent = unknown to Lookup. */
  people: Map<string, LookupPerson>;
}

/**
 * Reads GitLab and Lookup completely, or throws. A pipeline: as each GitLab page arrives its
 * CRSids join a queue; every full batch goes to Lookup at once (at most `lookupConcurrency` in
 * flight) while paging continues; the last partial batch is sent after the last page. So a run
 * makes `pages + ceil(distinct CRSids / batchSize)` calls and takes little longer than paging.
 * Only users the sync may act on (active or blocked, not bots) are looked up, each CRSid once.
 * Any failure stops the read, waits for the calls in flight to settle, and is thrown.
 */
export async function takeSnapshot(
  gitlab: Pick<GitLabClient, 'listUsers'>,
  lookup: Pick<LookupClient, 'getPeople' | 'batchSize'>,
  options: SnapshotOptions,
): Promise<Snapshot> {
  const concurrency = Math.max(1, Math.trunc(options.lookupConcurrency));
  const batchSize = Math.max(1, lookup.batchSize);
  const users: GitLabUser[] = [];
  const people = new Map<string, LookupPerson>();
  const queued = new Set<string>();
  const batches: string[][] = [];
  const workers: Promise<void>[] = [];
  let activeWorkers = 0;
  let failure: { error: unknown } | undefined;
  let pending: string[] = [];

  const worker = async (): Promise<void> => {
    try {
      // The shift and the decrement in `finally` run in one synchronous step, so `dispatch`
      // never counts a worker that has already found the queue empty.
      for (
        let batch = batches.shift();
        batch !== undefined && failure === undefined;
        batch = batches.shift()
      ) {
        try {
          for (const [crsid, person] of await lookup.getPeople(batch)) people.set(crsid, person);
        } catch (error) {
          failure ??= { error };
        }
      }
    } finally {
      activeWorkers -= 1;
    }
  };

  const dispatch = (batch: string[]): void => {
    batches.push(batch);
    if (activeWorkers < concurrency) {
      activeWorkers += 1;
      workers.push(worker());
    }
  };

  try {
    for await (const page of gitlab.listUsers()) {
      for (const user of page) {
        users.push(user);
        if (!isConsidered(user)) continue;
        const crsid = crsidOf(user, options.identityProvider);
        if (crsid === null || queued.has(crsid)) continue;
        queued.add(crsid);
        pending.push(crsid);
        if (pending.length >= batchSize) {
          dispatch(pending);
          pending = [];
        }
      }
      if (failure !== undefined) break;
    }
    if (failure === undefined && pending.length > 0) dispatch(pending);
  } catch (error) {
    failure ??= { error };
  } finally {
    await Promise.all(workers);
  }
  if (failure !== undefined) throw failure.error;
  return { users, people };
}
