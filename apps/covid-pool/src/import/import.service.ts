import { createLimiter, type Limiter } from '@app/http';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { College } from '@app/db';
import {
  type JobContext,
  type JobOutcome,
  JobRunner,
  type RunResult,
  type SyncDefinition,
  type SyncEnding,
  SyncRunner,
  type SyncSummary,
} from '@app/jobs';
import { spreadsheetUrl } from '../colleges/college.types.js';
import { CollegesRepository } from '../colleges/colleges.repository.js';
import { CollegesService } from '../colleges/colleges.service.js';
import { COVID_POOL_CONFIG, type CovidPoolConfig } from '../config.js';
import { SHEET_SOURCE, type SheetSource, SheetUnreadableError } from '../sheet/sheet-source.js';
import type { CollegeSheet, Finding } from '../sheet/sheet.types.js';
import { SheetValidationMemo } from '../sheet/validate-sheet.util.js';
import { contentHash } from './content-hash.util.js';
import { sheetEmptiedEmail, sheetErrorsEmail, sheetUnreadableEmail } from './import-email.util.js';
import { emptyingRefusal, studentCount } from './import-guard.util.js';
import { ImportNotifier, type Notified } from './import-notifier.service.js';
import type {
  ComparedSummary,
  FindingCounts,
  ImportPlan,
  ImportReading,
  ImportSummary,
  SheetSizes,
} from './import.types.js';
import { countChanges, diffCollege } from './pool-diff.util.js';
import { PoolsRepository } from './pools.repository.js';

export interface ImportRequest {
  dryRun: boolean;
  trigger: string;
  actor: string;
  parentId?: string;
}

/** The summary an import run returns: the import's own, plus the sync runner's fields. */
export type ImportRunSummary = SyncSummary<ImportSummary, Notified>;

type ImportDefinition = SyncDefinition<
  ImportReading,
  ImportPlan,
  ImportPlan,
  { imported: boolean },
  ImportSummary,
  Notified
>;

/**
 * Imports one College's sheet on the sync runner: read -> validate -> compare -> replace in one
 * transaction. Any error leaves the stored pools exactly as they were and sends the College's
 * contacts one email listing every error; a dry run goes the same way and stops before writing or
 * emailing. The runner owns the dry run, the refusal of a sheet that would delete every student,
 * the lock check before the write and the failure mapping.
 */
@Injectable()
export class ImportService {
  private readonly logger = new Logger('Import');
  /** An unchanged sheet is not checked again: most sheets are unchanged on most runs. */
  private readonly validations = new SheetValidationMemo();

  constructor(
    private readonly runner: JobRunner,
    private readonly syncRunner: SyncRunner,
    private readonly colleges: CollegesService,
    private readonly collegeRows: CollegesRepository,
    private readonly pools: PoolsRepository,
    private readonly notifier: ImportNotifier,
    @Inject(SHEET_SOURCE) private readonly source: SheetSource,
    @Inject(COVID_POOL_CONFIG) private readonly config: CovidPoolConfig,
  ) {
    this.sheetReads = createLimiter(config.COVID_POOL_IMPORT_CONCURRENCY);
  }

  /**
   * Sheets reads in flight at once, across every import of this instance (the Sheets API quota):
   * import-all keeps more Colleges going than this, so that while some validate and write, the
   * next ones are already reading and the database time hides behind the Sheets latency.
   */
  private readonly sheetReads: Limiter;

  async importCollege(collegeId: string, request: ImportRequest): Promise<RunResult<ImportRunSummary>> {
    const college = await this.colleges.get(collegeId);
    return this.runner.run({ job: 'import', scope: college.id, ...request }, (ctx) =>
      this.syncRunner.run(ctx, this.definition(college)),
    );
  }

  /** `requested` was read before the run lock was taken: good for its sheet id, not for what is stored. */
  definition(requested: College): ImportDefinition {
    const { spreadsheetId } = requested;
    return {
      read: () => this.read(requested),
      conclude: (reading, ctx) => this.conclude(ctx, reading),
      plan: (reading) => Promise.resolve(planOf(reading, spreadsheetId)),
      changes: (plan) => [plan],
      considered: () => 1,
      // No ratio applies to one sheet; what guards it is the rule against emptying a College.
      limits: {},
      refusal: (plan) => (plan.emptying === null ? null : `Not imported, nothing changed: ${plan.emptying}`),
      apply: {
        batchSize: 1,
        start: () => ({ imported: false }),
        applyBatch: async (ctx, [plan], applied) => {
          if (plan !== undefined) await this.replace(ctx, plan);
          applied.imported = plan !== undefined;
          return undefined;
        },
        end: () => undefined,
      },
      describe: (run, _applied, ending) => describeCompared(run.plan, ending),
      notifier: {
        refused: (ctx, { plan }) =>
          this.notifier.notify(
            ctx,
            plan.college,
            plan.sheet.contacts.map((c) => c.email),
            sheetEmptiedEmail({
              collegeName: plan.college.name,
              spreadsheetUrl: spreadsheetUrl(spreadsheetId),
              reason: plan.emptying ?? '',
            }),
          ),
      },
    };
  }

  private async read(requested: College): Promise<ImportReading> {
    let raw;
    try {
      raw = await this.sheetReads.run(() => this.source.read(requested.spreadsheetId));
    } catch (error) {
      if (!(error instanceof SheetUnreadableError)) throw error;
      const { reason, kind, mustAct } = error;
      return { kind: 'unreadable', college: requested, error: { reason, kind, mustAct } };
    }
    const validation = this.validations.validate(requested.id, raw, {
      maxPoolSize: this.config.COVID_POOL_MAX_POOL_SIZE,
    });
    if (validation.hasErrors) return { kind: 'invalid', college: requested, validation };
    // What is stored, read under the run lock: a read made before it could predate another import.
    const stored = await this.collegeRows.findById(requested.id);
    if (stored === null) throw new Error(`College ${requested.id} disappeared during its import`);
    const college = { ...stored, spreadsheetId: requested.spreadsheetId };
    const hash = contentHash(validation.sheet);
    if (hash === stored.contentHash) return { kind: 'unchanged', college, validation };
    return { kind: 'changed', college, validation, stored: await this.pools.readCollege(college.id), hash };
  }

  /** The runs that end on what they read: unreadable, invalid, unchanged. */
  private async conclude(
    ctx: JobContext,
    reading: ImportReading,
  ): Promise<JobOutcome<ImportSummary> | undefined> {
    const { college } = reading;
    const base = { collegeId: college.id, spreadsheetId: college.spreadsheetId };
    switch (reading.kind) {
      case 'changed':
        return undefined;
      case 'unchanged': {
        const { findings } = reading.validation;
        return {
          status: 'succeeded',
          summary: {
            ...base,
            outcome: 'unchanged',
            message: 'The sheet has not changed since the last import; nothing was written',
            ...countFindings(findings),
            findings,
          },
        };
      }
      case 'unreadable':
        return this.unreadable(ctx, college, reading.error);
      case 'invalid': {
        const { findings, sheet } = reading.validation;
        const counts = countFindings(findings);
        const notified = await this.notifier.notify(
          ctx,
          college,
          sheet.contacts.map((c) => c.email),
          sheetErrorsEmail({
            collegeName: college.name,
            spreadsheetUrl: spreadsheetUrl(college.spreadsheetId),
            findings,
            maxPoolSize: this.config.COVID_POOL_MAX_POOL_SIZE,
          }),
        );
        return {
          status: 'failed',
          failureKind: 'invalid_input',
          summary: { ...base, outcome: 'invalid', ...counts, findings, notified },
          error: `The sheet has ${counts.errors} error(s); nothing was stored`,
        };
      }
    }
  }

  /**
   * A sheet the College can fix (missing, not shared, bad id) is its problem to hear about (422); a
   * failure on our side (Google down or throttling, network, our credentials) is a fault (500) that
   * the College is not told about: it could do nothing, and an outage would email every College.
   */
  private async unreadable(
    ctx: JobContext,
    college: College,
    error: { reason: string; kind: SheetUnreadableError['kind']; mustAct: 'college' | 'us' },
  ): Promise<JobOutcome<ImportSummary>> {
    const summary = {
      collegeId: college.id,
      spreadsheetId: college.spreadsheetId,
      outcome: 'unreadable' as const,
      kind: error.kind,
      mustAct: error.mustAct,
      reason: error.reason,
    };
    if (error.mustAct === 'us') {
      this.logger.warn(`College ${college.id}: its sheet could not be read, on our side: ${error.reason}`);
      return {
        status: 'failed',
        summary: {
          ...summary,
          notified: { skipped: 'the failure is on our side; the College was not told' },
        },
        error: `The sheet could not be read: ${error.reason}`,
      };
    }
    const notified = await this.notifier.notify(
      ctx,
      college,
      null,
      sheetUnreadableEmail({
        collegeName: college.name,
        spreadsheetUrl: spreadsheetUrl(college.spreadsheetId),
        reason: error.reason,
      }),
    );
    return {
      status: 'failed',
      failureKind: 'invalid_input',
      summary: { ...summary, notified },
      error: `The sheet could not be read: ${error.reason}`,
    };
  }

  private async replace(ctx: JobContext, plan: ImportPlan): Promise<void> {
    const { college, hash } = plan;
    await this.pools.replaceCollege(college.id, plan.sheet, hash, (tx) =>
      ctx.audit(
        {
          action: 'college.pools.replaced',
          entityType: 'college',
          entityId: college.id,
          before: { contentHash: college.contentHash, importedAt: college.importedAt },
          after: { contentHash: hash, ...plan.sizes },
          reason: `import of spreadsheet ${plan.spreadsheetId}: ${JSON.stringify(plan.changes)}`,
        },
        tx,
      ),
    );
  }
}

function planOf(reading: ImportReading, spreadsheetId: string): ImportPlan {
  if (reading.kind !== 'changed') throw new Error(`an import concluded as ${reading.kind} has no plan`);
  const { sheet, findings } = reading.validation;
  return {
    college: reading.college,
    spreadsheetId,
    sheet,
    findings,
    stored: reading.stored,
    hash: reading.hash,
    changes: diffCollege(reading.stored, sheet),
    sizes: sizesOf(sheet),
    emptying: emptyingRefusal(reading.stored, sheet),
  };
}

const OUTCOME_OF: Record<SyncEnding, ComparedSummary['outcome']> = {
  applied: 'imported',
  dry_run: 'would_import',
  refused: 'refused',
  failed: 'failed',
};

function describeCompared(plan: ImportPlan, ending: SyncEnding): ComparedSummary {
  return {
    collegeId: plan.college.id,
    spreadsheetId: plan.spreadsheetId,
    ...countFindings(plan.findings),
    sizes: plan.sizes,
    changes: plan.changes,
    changeCount: countChanges(plan.changes),
    findings: plan.findings,
    outcome: OUTCOME_OF[ending],
    ...(ending === 'refused' ? { storedStudents: studentCount(plan.stored) } : {}),
  };
}

function countFindings(findings: Finding[]): FindingCounts {
  const errors = findings.filter((f) => f.severity === 'error').length;
  return { errors, warnings: findings.length - errors };
}

function sizesOf(sheet: CollegeSheet): SheetSizes {
  return {
    pools: sheet.pools.length,
    households: sheet.pools.reduce((n, p) => n + p.households.length, 0),
    students: studentCount(sheet),
  };
}
