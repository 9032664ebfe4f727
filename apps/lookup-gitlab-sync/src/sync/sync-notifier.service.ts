import { Inject, Injectable, Logger } from '@nestjs/common';
import { EmailOutbox } from '@app/notifications';
import { SYNC_CONFIG, type LookupGitLabSyncConfig } from '../config.js';
import type { SyncEmail } from './sync-email.util.js';

export type NotificationKind = 'refused' | 'failed' | 'changed';

/** Emails operators (OPS_EMAIL) through the outbox: at most one email of each kind per run. */
@Injectable()
export class SyncNotifier {
  private readonly logger = new Logger('SyncNotifier');

  constructor(
    private readonly outbox: EmailOutbox,
    @Inject(SYNC_CONFIG) private readonly config: LookupGitLabSyncConfig,
  ) {}

  /**
   * Queues the email; true when it is in the outbox. A failure to queue is logged, not thrown: the
   * run's own outcome (refused, failed) is recorded either way and must not be replaced by it.
   */
  async notify(runId: string, kind: NotificationKind, email: SyncEmail): Promise<boolean> {
    try {
      await this.outbox.sendEmail({
        to: this.config.OPS_EMAIL,
        subject: email.subject,
        text: email.text,
        dedupeKey: `lookup-gitlab-sync:sync:${runId}:${kind}`,
      });
      return true;
    } catch (error) {
      this.logger.error({
        event: 'ops_email_not_queued',
        runId,
        kind,
        error: error instanceof Error ? error.message : String(error),
      });
      return false;
    }
  }
}
