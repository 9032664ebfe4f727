import { Inject, Injectable, Logger } from '@nestjs/common';
import type { PrismaTx } from '@app/db';
import { NOTIFICATION_OPTIONS, type ResolvedNotificationOptions } from './notifications.options.js';
import { OutboxRepository } from './outbox.repository.js';
import { type EmailMessage, normalizeMessage } from './outbox.util.js';

/** Queues emails. Nothing is sent here: OutboxDispatcher delivers what is queued. */
@Injectable()
export class EmailOutbox {
  private readonly logger = new Logger('EmailOutbox');

  constructor(
    private readonly repository: OutboxRepository,
    @Inject(NOTIFICATION_OPTIONS) private readonly options: ResolvedNotificationOptions,
  ) {}

  /**
   * Writes the message to the outbox. Pass the caller's transaction as `tx` so that the email
   * exists only if the caller's change commits. With a `dedupeKey` already used, nothing is written
   * and the existing message's id comes back with `duplicate: true`.
   * Throws InvalidEmailError for a message without recipients, with an implausible address or an
   * empty subject.
   */
  async sendEmail(message: EmailMessage, tx?: PrismaTx): Promise<{ id: bigint; duplicate: boolean }> {
    const email = normalizeMessage(message);
    const result = await this.repository.insertUnlessDuplicate(
      {
        app: this.options.app,
        recipients: email.to,
        subject: email.subject,
        textBody: email.text,
        dedupeKey: email.dedupeKey,
      },
      tx,
    );
    if (this.options.smtpUrl === undefined) {
      this.logger.log(
        `${result.duplicate ? 'Already in the outbox' : 'Queued'} (no SMTP server configured, not sent): ` +
          `email ${result.id} to ${email.to.join(', ')}, subject "${email.subject}"`,
      );
    }
    return result;
  }

  /**
   * Queues many messages in one statement (a scheduled job's reminders, however many there are);
   * each is checked as `sendEmail` checks it, and one with a dedupe key already used is left out.
   * Returns how many were queued.
   */
  async sendEmails(messages: readonly EmailMessage[], tx?: PrismaTx): Promise<number> {
    const emails = messages.map(normalizeMessage);
    const queued = await this.repository.insertMany(
      emails.map((email) => ({
        app: this.options.app,
        recipients: email.to,
        subject: email.subject,
        textBody: email.text,
        dedupeKey: email.dedupeKey,
      })),
      tx,
    );
    if (this.options.smtpUrl === undefined && queued > 0) {
      this.logger.log(`Queued ${queued} email(s) (no SMTP server configured, not sent)`);
    }
    return queued;
  }
}
