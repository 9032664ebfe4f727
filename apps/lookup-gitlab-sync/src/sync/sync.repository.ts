import { Injectable } from '@nestjs/common';
import { PrismaService, type PrismaTx } from '@app/db';
import type { PlannedChange } from './plan.util.js';
import { type ChangeOutcome, type OurBlock, type PendingAction, type Settlement } from './sync.types.js';

type Audit = (tx: PrismaTx) => Promise<void>;

/** The `gitlab_sync` tables: blocks we made, the history of our actions. */
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

  /** Actions still `pending`: sent by a run that stopped before recording GitLab's answer. */
  async findPendingActions(): Promise<PendingAction[]> {
    return this.prisma.gitLabSyncAction.findMany({
      where: { outcome: 'pending' },
      select: {
        id: true,
        runId: true,
        userId: true,
        username: true,
        crsid: true,
        action: true,
        reason: true,
        at: true,
      },
      orderBy: { id: 'asc' },
    });
  }

  /** Before a batch is sent: one `pending` row per change, so that a crash never loses a change sent. */
  async recordIntents(runId: string, changes: readonly PlannedChange[], at: Date): Promise<void> {
    if (changes.length === 0) return;
    await this.prisma.gitLabSyncAction.createMany({
      data: changes.map((change) => ({
        at,
        runId,
        userId: change.userId,
        username: change.username,
        crsid: change.crsid,
        action: change.action,
        reason: change.reason,
        outcome: 'pending' as const,
      })),
    });
  }

  /**
   * Completes a batch's `pending` rows with GitLab's answers, in one transaction with the caller's
   * audit rows: the outcomes (an `in_doubt` one stays pending, with what went wrong), the rows of
   * changes never sent removed, the blocks we now own added and the ones we gave up removed.
   */
  async recordOutcomes(
    runId: string,
    outcomes: readonly ChangeOutcome[],
    notSent: readonly PlannedChange[],
    audit: Audit,
  ): Promise<void> {
    if (outcomes.length === 0 && notSent.length === 0) return;
    const applied = (action: PlannedChange['action']) =>
      outcomes.filter((o) => o.result === 'applied' && o.change.action === action).map((o) => o.change);
    const blocked = applied('block');
    const unblocked = applied('unblock');
    const at = new Date();
    await this.prisma.$transaction(async (tx) => {
      if (outcomes.length > 0) {
        const userIds = outcomes.map((o) => o.change.userId);
        const results = outcomes.map((o) => (o.result === 'in_doubt' ? 'pending' : o.result));
        const statuses = outcomes.map((o) => o.status ?? null);
        const messages = outcomes.map((o) => o.message ?? null);
        await tx.$executeRaw`
          UPDATE gitlab_sync.sync_action AS a
             SET outcome = v.outcome::gitlab_sync."GitLabActionOutcome", status = v.status, message = v.message
            FROM unnest(${userIds}::int[], ${results}::text[], ${statuses}::int[], ${messages}::text[])
                 AS v(user_id, outcome, status, message)
           WHERE a.run_id = ${runId}::uuid AND a.user_id = v.user_id AND a.outcome = 'pending'`;
      }
      if (notSent.length > 0) {
        await tx.gitLabSyncAction.deleteMany({
          where: { runId, outcome: 'pending', userId: { in: notSent.map((change) => change.userId) } },
        });
      }
      await this.moveBlocks(
        tx,
        blocked.map((change) => ({ ...change, runId, blockedAt: at })),
        unblocked.map((change) => change.userId),
      );
      await audit(tx);
    });
  }

  /**
   * Records what the run found before applying anything, with the caller's audit rows: pending
   * actions of earlier runs settled (blocks found made become ours, unblocks found made end ours),
   * and blocks of ours that someone else undid forgotten.
   */
  async settle(
    settlements: readonly Settlement[],
    releasedUserIds: readonly number[],
    audit: Audit,
  ): Promise<void> {
    if (settlements.length === 0 && releasedUserIds.length === 0) return;
    const done = (action: PlannedChange['action']) =>
      settlements.filter((s) => s.outcome === 'applied' && s.pending.action === action).map((s) => s.pending);
    await this.prisma.$transaction(async (tx) => {
      if (settlements.length > 0) {
        const ids = settlements.map((s) => s.pending.id.toString());
        const outcomes = settlements.map((s) => s.outcome);
        const messages = settlements.map((s) => s.message);
        await tx.$executeRaw`
          UPDATE gitlab_sync.sync_action AS a
             SET outcome = v.outcome::gitlab_sync."GitLabActionOutcome", message = v.message
            FROM unnest(${ids}::bigint[], ${outcomes}::text[], ${messages}::text[]) AS v(id, outcome, message)
           WHERE a.id = v.id AND a.outcome = 'pending'`;
      }
      const unblocked = [...done('unblock').map((p) => p.userId), ...releasedUserIds];
      // A block found made is ours from the run that sent it.
      const adopted = done('block').map((p) => ({ ...p, blockedAt: p.at }));
      await this.moveBlocks(tx, adopted, unblocked);
      await audit(tx);
    });
  }

  /** Blocks we now own replace any earlier row for the user; blocks we gave up are removed. */
  private async moveBlocks(
    tx: PrismaTx,
    blocked: readonly (OurBlock & { runId: string; blockedAt: Date })[],
    unblockedUserIds: readonly number[],
  ): Promise<void> {
    const touched = [...blocked.map((block) => block.userId), ...unblockedUserIds];
    if (touched.length > 0) await tx.gitLabBlockedUser.deleteMany({ where: { userId: { in: touched } } });
    if (blocked.length === 0) return;
    const latest = new Map(blocked.map((block) => [block.userId, block]));
    await tx.gitLabBlockedUser.createMany({
      data: [...latest.values()].map((block) => ({
        userId: block.userId,
        username: block.username,
        crsid: block.crsid,
        reason: block.reason,
        blockedAt: block.blockedAt,
        runId: block.runId,
      })),
    });
  }
}
