import { Inject, Injectable, Logger } from '@nestjs/common';
import { NOTIFICATION_OPTIONS, type ResolvedNotificationOptions } from './notifications.options.js';
import { type ClaimedEmail, OutboxRepository } from './outbox.repository.js';
import {
  describeSendError,
  isServerWideFailure,
  type OutboxDispatchResult,
  retryDelayAfter,
} from './outbox.util.js';
import { SmtpMailer } from './smtp.mailer.js';

export const DEFAULT_DISPATCH_LIMIT = 100;

/** Time on top of the send budget before a claimed message may be claimed again (see claimNextDue). */
const LEASE_MARGIN_MS = 5 * 60_000;

type Outcome = { status: 'sent' } | { status: 'failed' | 'dead'; serverWide: boolean; error: unknown };

/**
 * Delivers due outbox messages through SMTP, one at a time, each claimed just before it is sent.
 *
 * Every failure, a 5xx rejection included, goes through the same backoff up to `maxAttempts`: the
 * 5xx replies we meet in practice (relay denied, sender not allowed, authentication) come from our
 * own misconfiguration, which gets fixed, and retrying a handful of times over a few hours costs
 * nothing. A recipient refused while the others are accepted does not fail the message (that
 * would resend it to everyone): it is marked sent and `last_error` names the refused addresses.
 *
 * When the server itself cannot be used (unreachable, timing out, refusing our credentials) the run
 * stops after that one failed attempt: the other messages would fail the same way, each costing a
 * connect timeout and one of its attempts, so an outage spends no more than one attempt per run.
 */
@Injectable()
export class OutboxDispatcher {
  private readonly logger = new Logger('OutboxDispatcher');

  constructor(
    private readonly repository: OutboxRepository,
    private readonly mailer: SmtpMailer,
    @Inject(NOTIFICATION_OPTIONS) private readonly options: ResolvedNotificationOptions,
  ) {}

  /**
   * Sends up to `limit` due messages (default 100). `now` fixes the clock for what is due and when
   * to retry (tests); by default each claim reads the current time. Never throws for a failed
   * delivery; throws if the database fails.
   */
  async dispatchDue(options: { limit?: number; now?: Date } = {}): Promise<OutboxDispatchResult> {
    if (!this.mailer.configured) {
      const pending = await this.repository.countPending();
      return { sent: 0, failed: 0, dead: 0, pending, skipped: 'no-smtp' };
    }
    const limit = options.limit ?? DEFAULT_DISPATCH_LIMIT;
    const counts = { sent: 0, failed: 0, dead: 0 };
    let stoppedEarly: string | undefined;
    for (let i = 0; i < limit && stoppedEarly === undefined; i++) {
      const now = options.now ?? new Date();
      const leaseUntil = new Date(now.getTime() + this.options.sendTimeoutMs + LEASE_MARGIN_MS);
      const claim = await this.repository.claimNextDue(now, leaseUntil);
      if (claim === null) break;
      const outcome = await this.deliver(claim, now);
      counts[outcome.status] += 1;
      if (outcome.status !== 'sent' && outcome.serverWide) {
        stoppedEarly = `the SMTP server could not be used (${smtpCodes(outcome.error)})`;
      }
    }
    const pending = await this.repository.countPending();
    return stoppedEarly === undefined ? { ...counts, pending } : { ...counts, pending, stoppedEarly };
  }

  /** Messages due now (for a dry run): pending, their next attempt time reached. Sends nothing. */
  async countDue(now: Date = new Date()): Promise<number> {
    return this.repository.countDue(now);
  }

  private async deliver(claim: ClaimedEmail, now: Date): Promise<Outcome> {
    let rejected: string[];
    try {
      const email = { to: claim.recipients, subject: claim.subject, text: claim.textBody };
      ({ rejected } = await this.mailer.send(email));
    } catch (error) {
      return this.recordFailure(claim, now, error);
    }
    const note = rejected.length > 0 ? `Sent, but the server refused: ${rejected.join(', ')}` : null;
    this.warnIfLeaseLost(await this.repository.markSent(claim, new Date(), note), claim);
    return { status: 'sent' };
  }

  private async recordFailure(claim: ClaimedEmail, now: Date, error: unknown): Promise<Outcome> {
    const text = describeSendError(error, this.options.smtpUrl);
    const serverWide = isServerWideFailure(error);
    const attempt = `email ${claim.id} attempt ${claim.attempts} of ${this.options.maxAttempts}`;
    if (claim.attempts >= this.options.maxAttempts) {
      this.warnIfLeaseLost(await this.repository.markDead(claim, text), claim);
      this.logger.error(`Outbox ${attempt} failed (${smtpCodes(error)}); no attempts left, marked dead`);
      return { status: 'dead', serverWide, error };
    }
    const { baseRetryDelayMs, maxRetryDelayMs } = this.options;
    const nextAttemptAt = new Date(
      now.getTime() + retryDelayAfter(claim.attempts, baseRetryDelayMs, maxRetryDelayMs),
    );
    this.warnIfLeaseLost(await this.repository.scheduleRetry(claim, text, nextAttemptAt), claim);
    this.logger.warn(
      `Outbox ${attempt} failed (${smtpCodes(error)}); retry after ${nextAttemptAt.toISOString()}`,
    );
    return { status: 'failed', serverWide, error };
  }

  private warnIfLeaseLost(updated: boolean, claim: ClaimedEmail): void {
    if (!updated) {
      this.logger.warn(
        `Outbox email ${claim.id}: its claim expired before the outcome was recorded; it may be sent twice`,
      );
    }
  }
}

/** Codes only, for logs and summaries: the full reply, which can quote addresses, goes to `last_error`. */
function smtpCodes(error: unknown): string {
  const details = error as { code?: unknown; responseCode?: unknown } | null;
  const parts = [details?.code, details?.responseCode].filter(
    (p) => typeof p === 'string' || typeof p === 'number',
  );
  return parts.length > 0 ? parts.map(String).join(' ') : 'no error code';
}
