import { Injectable } from '@nestjs/common';
import { PrismaService, type PrismaTx } from '@app/db';

export interface NewOutboxEmail {
  app: string;
  recipients: string[];
  subject: string;
  textBody: string;
  dedupeKey: string | null;
}

/** A message claimed for one delivery attempt; `leaseUntil` identifies the claim. */
export interface ClaimedEmail {
  id: bigint;
  recipients: string[];
  subject: string;
  textBody: string;
  /** Attempts so far, this one included. */
  attempts: number;
  leaseUntil: Date;
}

/** All SQL of `platform.outbox_email`. */
@Injectable()
export class OutboxRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Inserts the message unless one with the same dedupe key exists. `ON CONFLICT DO NOTHING`
   * (createMany's skipDuplicates) never raises, so the caller's transaction stays usable; when a
   * concurrent transaction holds the same key, PostgreSQL waits for it and then sees its row.
   */
  async insertUnlessDuplicate(
    email: NewOutboxEmail,
    tx?: PrismaTx,
  ): Promise<{ id: bigint; duplicate: boolean }> {
    const db = tx ?? this.prisma;
    const created = await db.outboxEmail.createManyAndReturn({
      data: [email],
      skipDuplicates: true,
      select: { id: true },
    });
    const row = created[0];
    if (row !== undefined) return { id: row.id, duplicate: false };
    if (email.dedupeKey === null) throw new Error('Outbox insert returned no row');
    const existing = await db.outboxEmail.findUnique({
      where: { dedupeKey: email.dedupeKey },
      select: { id: true },
    });
    if (existing === null)
      throw new Error('Outbox insert skipped as a duplicate, but no row has its dedupe key');
    return { id: existing.id, duplicate: true };
  }

  /** Many emails in one statement; those whose dedupe key is already used are left out. Returns how many were queued. */
  async insertMany(emails: NewOutboxEmail[], tx?: PrismaTx): Promise<number> {
    if (emails.length === 0) return 0;
    const { count } = await (tx ?? this.prisma).outboxEmail.createMany({
      data: emails,
      skipDuplicates: true,
    });
    return count;
  }

  /**
   * Claims the longest-overdue pending message by moving its `next_attempt_at` to `leaseUntil` and
   * counting the attempt, in one autocommitted statement.
   *
   * Why a lease and not a transaction held open while sending: an SMTP conversation can take
   * seconds to minutes, and a transaction (with its connection and row lock) held across it would
   * tie up the pool and outlive Prisma's transaction timeout. `FOR UPDATE SKIP LOCKED` keeps two
   * dispatchers from claiming the same row at the same moment; the moved `next_attempt_at` keeps
   * it from being claimed again afterwards. If this process dies mid-send, the lease expires and
   * another run retries the message (at least once, never lost). The attempt is counted at claim
   * time so a message that crashes its sender still reaches `maxAttempts`.
   */
  async claimNextDue(now: Date, leaseUntil: Date): Promise<ClaimedEmail | null> {
    const rows = await this.prisma.$queryRaw<
      { id: bigint; recipients: string[] | null; subject: string; textBody: string; attempts: number }[]
    >`
      UPDATE "platform"."outbox_email"
         SET next_attempt_at = ${leaseUntil}, attempts = attempts + 1
       WHERE id = (
         SELECT id FROM "platform"."outbox_email"
          WHERE status = 'pending' AND next_attempt_at <= ${now}
          ORDER BY next_attempt_at, id
          LIMIT 1
          FOR UPDATE SKIP LOCKED)
      RETURNING id, recipients, subject, text_body AS "textBody", attempts`;
    const row = rows[0];
    if (row === undefined) return null;
    return { ...row, recipients: row.recipients ?? [], leaseUntil };
  }

  /**
   * The updates below match on the lease: if it ran out and another dispatcher claimed the row
   * meanwhile, they change nothing and return false.
   */
  async markSent(claim: ClaimedEmail, sentAt: Date, note: string | null): Promise<boolean> {
    return this.updateClaimed(claim, { status: 'sent', sentAt, lastError: note });
  }

  async scheduleRetry(claim: ClaimedEmail, error: string, nextAttemptAt: Date): Promise<boolean> {
    return this.updateClaimed(claim, { lastError: error, nextAttemptAt });
  }

  async markDead(claim: ClaimedEmail, error: string): Promise<boolean> {
    return this.updateClaimed(claim, { status: 'dead', lastError: error });
  }

  async countDue(now: Date): Promise<number> {
    return this.prisma.outboxEmail.count({ where: { status: 'pending', nextAttemptAt: { lte: now } } });
  }

  async countPending(): Promise<number> {
    return this.prisma.outboxEmail.count({ where: { status: 'pending' } });
  }

  private async updateClaimed(
    claim: ClaimedEmail,
    data: { status?: 'sent' | 'dead'; sentAt?: Date; lastError: string | null; nextAttemptAt?: Date },
  ): Promise<boolean> {
    const result = await this.prisma.outboxEmail.updateMany({
      where: { id: claim.id, status: 'pending', nextAttemptAt: claim.leaseUntil },
      data,
    });
    return result.count === 1;
  }
}
