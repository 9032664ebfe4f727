import { Inject, Injectable, Logger } from '@nestjs/common';
import type { College } from '@app/db';
import type { JobContext } from '@app/jobs';
import { EmailOutbox } from '@app/notifications';
import { COVID_POOL_CONFIG, type CovidPoolConfig } from '../config.js';
import type { ImportEmail } from './import-email.util.js';
import { PoolsRepository } from './pools.repository.js';
import { plausibleRecipients } from './recipients.util.js';

/** What became of an import's email, for the run summary. */
export type Notified =
  | { to: string[]; leftOut?: string[] }
  | { skipped: string }
  /** Queuing the email failed; the run keeps its findings and says so. */
  | { error: string };

/** Emails a College's contacts about an import, at most once per run. */
@Injectable()
export class ImportNotifier {
  private readonly logger = new Logger('ImportNotifier');

  constructor(
    private readonly outbox: EmailOutbox,
    private readonly pools: PoolsRepository,
    @Inject(COVID_POOL_CONFIG) private readonly config: CovidPoolConfig,
  ) {}

  /**
   * Recipients: the sheet's valid contacts, else the contacts stored at the last import, else the
   * fallback contact, leaving out addresses the outbox would refuse. Never throws: a failure to queue
   * the email is returned as `{ error }`, so the run still records what it found.
   */
  async notify(
    ctx: JobContext,
    college: College,
    sheetContacts: string[] | null,
    email: ImportEmail,
  ): Promise<Notified> {
    if (ctx.dryRun) return { skipped: 'dry run' };
    try {
      const leftOut: string[] = [];
      const pick = (addresses: readonly string[]) => {
        const { usable, refused } = plausibleRecipients(addresses);
        leftOut.push(...refused);
        return usable;
      };
      let to = pick(sheetContacts ?? []);
      if (to.length === 0) to = pick((await this.pools.contactsOf(college.id)).map((c) => c.email));
      if (to.length === 0 && this.config.COVID_POOL_FALLBACK_CONTACT !== undefined)
        to = [this.config.COVID_POOL_FALLBACK_CONTACT];
      if (to.length === 0) {
        this.logger.warn(
          `College ${college.id} has no usable contact and COVID_POOL_FALLBACK_CONTACT is unset: nobody was told`,
        );
        return { skipped: 'no usable contact and no COVID_POOL_FALLBACK_CONTACT' };
      }
      await this.outbox.sendEmail({
        to,
        subject: email.subject,
        text: email.text,
        dedupeKey: `covid-pool:import:${ctx.runId}`,
      });
      return leftOut.length === 0 ? { to } : { to, leftOut };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.logger.error(`College ${college.id}: the import email could not be queued: ${message}`);
      return { error: `the email could not be queued: ${message}` };
    }
  }
}
