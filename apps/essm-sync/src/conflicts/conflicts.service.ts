import { Inject, Injectable, Logger } from '@nestjs/common';
import type { PrismaTx } from '@app/db';
import type { JobContext } from '@app/jobs';
import { EmailOutbox } from '@app/notifications';
import { ESSM_CONFIG, type EssmSyncConfig } from '../config.js';
import type { DesiredBookings } from '../timetable/desired-bookings.util.js';
import type { EventsSnapshot } from '../timetable/events-reader.service.js';
import { runInSlices } from '../timetable/slices.util.js';
import { ConflictReportRepository } from './conflict-report.repository.js';
import {
  bookerOverlaps,
  type Conflict,
  conflictKey,
  conflictsReport,
  type ConflictsReport,
  findConflicts,
  termtimeOverlapsSteps,
} from './conflicts.util.js';
import { conflictsEmail } from './conflicts-email.util.js';

/**
 * The pre-flight: the bookings the timetable calls for (the same rule as sync-events) checked for
 * overlaps in TermTime and with Booker bookings that are not ours. A real run stores the report
 * (`GET /conflicts`) and emails operators the conflicts the previous report did not have.
 */
@Injectable()
export class ConflictsService {
  private readonly logger = new Logger('Conflicts');

  constructor(
    private readonly repository: ConflictReportRepository,
    private readonly outbox: EmailOutbox,
    @Inject(ESSM_CONFIG) private readonly config: EssmSyncConfig,
  ) {}

  /**
   * The report from what sync-events would book and Booker's bookings. Pure. `termtime`: the
   * overlaps within TermTime (`termtimeOverlaps`), when worked out already during the read.
   */
  report(desired: DesiredBookings, snapshot: EventsSnapshot, termtime?: Conflict[]): ConflictsReport {
    // Only the active bookings not ours can conflict: the read picked them out as its pages came in
    // (the same bookings, in the same order, as filtering the whole listing here).
    const notOurs = snapshot.index.activeNotOurs();
    if (termtime === undefined) return findConflicts(desired.bookings, notOurs);
    return conflictsReport(termtime, bookerOverlaps(desired.bookings, notOurs));
  }

  /**
   * The overlaps within TermTime's bookings (the report's first part), worked out in slices
   * (slices.util) while a run's pages are still coming. Pure.
   */
  termtimeOverlapsInSlices(desired: DesiredBookings): Promise<Conflict[]> {
    return runInSlices((due) => termtimeOverlapsSteps(desired.bookings, due));
  }

  /**
   * Stores the report and, when it has conflicts the previous one did not, queues one email to
   * operators in the same transaction. Returns how many were new. Real runs only.
   */
  async record(ctx: JobContext, report: ConflictsReport): Promise<number> {
    const known = await this.repository.latestConflictKeys(conflictKey);
    const fresh = report.conflicts.filter((conflict) => !known.has(conflictKey(conflict)));
    await this.repository.saveConflictReport(
      ctx.runId,
      { ...report.counts, newConflicts: fresh.length, conflicts: report.conflicts },
      async (tx: PrismaTx) => {
        if (fresh.length === 0) return;
        const email = conflictsEmail(ctx.runId, ctx.job, fresh, report.conflicts.length);
        await this.outbox.sendEmail(
          {
            to: this.config.OPS_EMAIL,
            subject: email.subject,
            text: email.text,
            dedupeKey: `${ctx.app}:${ctx.job}:${ctx.runId}:conflicts`,
          },
          tx,
        );
      },
    );
    if (fresh.length > 0) this.logger.warn({ event: 'new_conflicts', runId: ctx.runId, count: fresh.length });
    return fresh.length;
  }
}
