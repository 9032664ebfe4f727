import { Inject, Injectable } from '@nestjs/common';
import { mapWithConcurrency } from '@app/http';
import {
  Job,
  JobAlreadyRunningException,
  type JobContext,
  type JobHandler,
  type JobOutcome,
} from '@app/jobs';
import { CollegesRepository } from '../colleges/colleges.repository.js';
import { COVID_POOL_CONFIG, type CovidPoolConfig } from '../config.js';
import { ImportService } from './import.service.js';
import type { ImportSummary, UnreadableSummary } from './import.types.js';

interface CollegeOutcome {
  collegeId: string;
  status: 'succeeded' | 'failed' | 'refused' | 'running' | 'skipped';
  /** The College import's own outcome, from its typed summary (absent when the import broke). */
  outcome?: ImportSummary['outcome'];
  /** For an unreadable sheet: 'college' (it was told) or 'us' (a fault on our side, nobody emailed). */
  mustAct?: UnreadableSummary['mustAct'];
  runId?: string;
  error?: string | null;
}

/** Every active College, a few at a time; one College's failure never stops the others. */
@Injectable()
@Job({ name: 'import-all', description: 'Import the pool sheet of every active College' })
export class ImportAllJob implements JobHandler {
  constructor(
    private readonly colleges: CollegesRepository,
    private readonly imports: ImportService,
    @Inject(COVID_POOL_CONFIG) private readonly config: CovidPoolConfig,
  ) {}

  async run(ctx: JobContext): Promise<JobOutcome> {
    const active = await this.colleges.findActive();
    // Twice as many Colleges in flight as sheet reads (ImportService limits those): the others
    // validate and write meanwhile.
    const outcomes = await mapWithConcurrency(
      active,
      2 * this.config.COVID_POOL_IMPORT_CONCURRENCY,
      async (college): Promise<CollegeOutcome> => {
        try {
          const { record, summary } = await this.imports.importCollege(college.id, {
            dryRun: ctx.dryRun,
            trigger: ctx.trigger,
            actor: ctx.actor,
            parentId: ctx.runId,
          });
          return {
            collegeId: college.id,
            status: record.status,
            ...(summary === undefined ? {} : { outcome: summary.outcome }),
            ...(summary?.outcome === 'unreadable' ? { mustAct: summary.mustAct } : {}),
            runId: record.id,
            error: record.error,
          };
        } catch (error) {
          if (error instanceof JobAlreadyRunningException) {
            return {
              collegeId: college.id,
              status: 'skipped',
              error: 'an import of this College was already running',
            } satisfies CollegeOutcome;
          }
          return {
            collegeId: college.id,
            status: 'failed',
            error: error instanceof Error ? error.message : String(error),
          } satisfies CollegeOutcome;
        }
      },
    );
    const tally = (status: CollegeOutcome['status']) => outcomes.filter((o) => o.status === status).length;
    const summary = {
      colleges: active.length,
      succeeded: tally('succeeded'),
      failed: tally('failed'),
      refused: tally('refused'),
      skipped: tally('skipped'),
      // Sheets that could not be read because of a fault on our side, or imports that broke: for operators.
      faults: outcomes.filter(
        (o) => o.status === 'failed' && o.outcome !== 'invalid' && o.mustAct !== 'college',
      ).length,
      outcomes,
    };
    // Every College unreadable points at our side (credentials, API), not at the Colleges' sheets.
    const allUnreadable =
      active.length > 0 && outcomes.every((o) => o.status === 'failed' && o.outcome !== 'invalid');
    return allUnreadable
      ? { status: 'failed', summary, error: 'No College sheet could be imported; see each outcome' }
      : { status: 'succeeded', summary };
  }
}
