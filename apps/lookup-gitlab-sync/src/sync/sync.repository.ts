import { Injectable } from '@nestjs/common';
import { PrismaService, type PrismaTx } from '@app/db';
import type { PlannedChange } from './plan.util.js';
import type { ChangeOutcome, OurBlock } from './sync.types.js';

/** Rows per INSERT when storing a refused plan (tens of thousands in an upstream outage). */
const PLAN_INSERT_CHUNK = 5000;

/** The `gitlab_sync` tables: blocks we made, the history of our actions, the plans of refused runs. */
@Injectable()
export class SyncRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Every block of ours that still stands as far as we know. */
  async findOurBlocks(): Promise<OurBlock[]> {
    return this.prisma.gitLabBlockedUser.findMany({
      select: { userId: true, username: true, crsid: true, reason: true },
      orderBy: { userId: 'asc' },
    });
  }

  /**
   * Records what GitLab did with a batch of changes, in one transaction with the caller's audit
   * rows: the history rows, then the blocks we now own and the ones we gave up by unblocking.
   */
  async recordOutcomes(
    runId: string,
    outcomes: readonly ChangeOutcome[],
    at: Date,
    audit: (tx: PrismaTx) => Promise<void>,
  ): Promise<void> {
    if (outcomes.length === 0) return;
    const applied = (action: PlannedChange['action']) =>
      outcomes.filter((o) => o.result === 'applied' && o.change.action === action).map((o) => o.change);
    const blocked = applied('block');
    const unblocked = applied('unblock');
    await this.prisma.$transaction(async (tx) => {
      await tx.gitLabSyncAction.createMany({
        data: outcomes.map(({ change, result, status, message }) => ({
          at,
          runId,
          userId: change.userId,
          username: change.username,
          crsid: change.crsid,
          action: change.action,
          reason: change.reason,
          outcome: result,
          status: status ?? null,
          message: message ?? null,
        })),
      });
      const touched = [...blocked, ...unblocked].map((change) => change.userId);
      if (touched.length > 0) await tx.gitLabBlockedUser.deleteMany({ where: { userId: { in: touched } } });
      if (blocked.length > 0) {
        await tx.gitLabBlockedUser.createMany({
          data: blocked.map((change) => ({
            userId: change.userId,
            username: change.username,
            crsid: change.crsid,
            reason: change.reason,
            blockedAt: at,
            runId,
          })),
        });
      }
      await audit(tx);
    });
  }

  /** Forgets blocks of ours that someone else has undone, with the caller's audit rows. */
  async releaseBlocks(userIds: readonly number[], audit: (tx: PrismaTx) => Promise<void>): Promise<void> {
    if (userIds.length === 0) return;
    await this.prisma.$transaction(async (tx) => {
      await tx.gitLabBlockedUser.deleteMany({ where: { userId: { in: [...userIds] } } });
      await audit(tx);
    });
  }

  /** Keeps the whole plan of a refused run for a later approval. */
  async savePlannedChanges(runId: string, changes: readonly PlannedChange[]): Promise<void> {
    for (let start = 0; start < changes.length; start += PLAN_INSERT_CHUNK) {
      await this.prisma.gitLabPlannedChange.createMany({
        data: changes.slice(start, start + PLAN_INSERT_CHUNK).map((change) => ({
          runId,
          userId: change.userId,
          action: change.action,
          reason: change.reason,
          username: change.username,
          crsid: change.crsid,
        })),
      });
    }
  }

  /** The changes a refused run planned (user and action are what an approval matches on). */
  async findPlannedChanges(runId: string): Promise<{ userId: number; action: PlannedChange['action'] }[]> {
    return this.prisma.gitLabPlannedChange.findMany({
      where: { runId },
      select: { userId: true, action: true },
      orderBy: { userId: 'asc' },
    });
  }
}
