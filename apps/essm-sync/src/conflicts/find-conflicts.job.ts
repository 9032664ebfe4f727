import { Inject, Injectable } from '@nestjs/common';
import { Job, type JobContext, type JobHandler, type JobOutcome } from '@app/jobs';
import { redactUrlCredentials } from '@app/logging';
import { EmailOutbox } from '@app/notifications';
import { ESSM_CONFIG, type EssmSyncConfig } from '../config.js';
import { EventsReader, type EventsWindow } from '../timetable/events-reader.service.js';
import { ConflictsService } from './conflicts.service.js';
import type { Conflict } from './conflicts.util.js';

export const FIND_CONFLICTS_JOB = 'find-conflicts';
/** Conflicts listed in a run's summary; the stored report (GET /conflicts) has them all. */
export const CONFLICTS_LISTED = 200;

export interface FindConflictsSummary {
  window: EventsWindow;
  bookingsCalledFor: number;
  termtimeOverlaps: number;
  bookerOverlaps: number;
  /** Conflicts the previous report did not have (emailed); not counted in a dry run. */
  newConflicts?: number;
  conflicts: Conflict[];
  conflictsNotListed: number;
  calls: { termtime: number; booker: number };
  dryRun?: true;
}

/**
 * `POST /jobs/find-conflicts`: the pre-flight on its own. Reads TermTime and Booker, changes
 * nothing in either; a real run stores the report and emails operators about new conflicts.
 */
@Injectable()
@Job({
  name: FIND_CONFLICTS_JOB,
  description: 'Report TermTime events that overlap in one room or overlap Booker bookings that are not ours',
})
export class FindConflictsJob implements JobHandler<FindConflictsSummary> {
  constructor(
    private readonly reader: EventsReader,
    private readonly conflicts: ConflictsService,
    private readonly outbox: EmailOutbox,
    @Inject(ESSM_CONFIG) private readonly config: EssmSyncConfig,
  ) {}

  async run(ctx: JobContext): Promise<JobOutcome<FindConflictsSummary>> {
    try {
      return await this.preflight(ctx);
    } catch (error) {
      if (!ctx.dryRun)
        await this.emailFailure(
          ctx,
          redactUrlCredentials(error instanceof Error ? error.message : String(error)),
        );
      throw error;
    }
  }

  /** Operators hear of a failed pre-flight (never replacing the run's own outcome). */
  private async emailFailure(ctx: JobContext, message: string): Promise<void> {
    await this.outbox
      .sendEmail({
        to: this.config.OPS_EMAIL,
        subject: 'essm-sync: find-conflicts failed',
        text: `find-conflicts run ${ctx.runId} failed: ${message}\n\nDetails: GET /runs/${ctx.runId}.`,
        dedupeKey: `${ctx.app}:${ctx.job}:${ctx.runId}:failed`,
      })
      .catch(() => undefined);
  }

  private async preflight(ctx: JobContext): Promise<JobOutcome<FindConflictsSummary>> {
    const snapshot = await this.reader.read();
    const { desired } = snapshot;
    const report = this.conflicts.report(desired, snapshot);
    const summary: FindConflictsSummary = {
      window: snapshot.window,
      bookingsCalledFor: desired.bookings.length,
      ...report.counts,
      conflicts: report.conflicts.slice(0, CONFLICTS_LISTED),
      conflictsNotListed: Math.max(0, report.conflicts.length - CONFLICTS_LISTED),
      calls: snapshot.calls,
    };
    if (ctx.dryRun) return { status: 'succeeded', summary: { ...summary, dryRun: true } };
    summary.newConflicts = await this.conflicts.record(ctx, report);
    return { status: 'succeeded', summary };
  }
}
