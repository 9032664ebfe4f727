import { Inject, Injectable, Logger } from '@nestjs/common';
import type { College } from '@app/db';
import { type JobContext, type JobOutcome, JobRunner, type RunResult } from '@app/jobs';
import { spreadsheetUrl } from '../colleges/college.types.js';
import { CollegesRepository } from '../colleges/colleges.repository.js';
import { CollegesService } from '../colleges/colleges.service.js';
import { COVID_POOL_CONFIG, type CovidPoolConfig } from '../config.js';
import { SHEET_SOURCE, type SheetSource, SheetUnreadableError } from '../sheet/sheet-source.js';
import type { CollegeSheet, Finding, SheetValidation } from '../sheet/sheet.types.js';
import { SheetValidationMemo } from '../sheet/validate-sheet.util.js';
import { contentHash } from './content-hash.util.js';
import { sheetEmptiedEmail, sheetErrorsEmail, sheetUnreadableEmail } from './import-email.util.js';
import { emptyingRefusal, studentCount } from './import-guard.util.js';
import { ImportNotifier } from './import-notifier.service.js';
import { countChanges, diffCollege } from './pool-diff.util.js';
import { PoolsRepository } from './pools.repository.js';

export interface ImportRequest {
  dryRun: boolean;
  trigger: string;
  actor: string;
  parentId?: string;
}

/**
 * Imports one College's sheet: read -> validate -> compare -> replace in one transaction.
 * Any error leaves the stored pools exactly as they were and sends the College's contacts one
 * email listing every error; a dry run goes the same way and stops before writing or emailing.
 */
@Injectable()
export class ImportService {
  private readonly logger = new Logger('Import');
  /** An unchanged sheet is not checked again: most sheets are unchanged on most runs. */
  private readonly validations = new SheetValidationMemo();

  constructor(
    private readonly runner: JobRunner,
    private readonly colleges: CollegesService,
    private readonly collegeRows: CollegesRepository,
    private readonly pools: PoolsRepository,
    private readonly notifier: ImportNotifier,
    @Inject(SHEET_SOURCE) private readonly source: SheetSource,
    @Inject(COVID_POOL_CONFIG) private readonly config: CovidPoolConfig,
  ) {}

  async importCollege(collegeId: string, request: ImportRequest): Promise<RunResult> {
    const college = await this.colleges.get(collegeId);
    return this.runner.run({ job: 'import', scope: college.id, ...request }, (ctx) => this.run(ctx, college));
  }

  /** `requested` was read before the run lock was taken: good for its sheet id, not for what is stored. */
  private async run(ctx: JobContext, requested: College): Promise<JobOutcome> {
    let raw;
    try {
      raw = await this.source.read(requested.spreadsheetId);
    } catch (error) {
      if (!(error instanceof SheetUnreadableError)) throw error;
      return this.unreadable(ctx, requested, error);
    }
    const validation = this.validations.validate(requested.id, raw, {
      maxPoolSize: this.config.COVID_POOL_MAX_POOL_SIZE,
    });
    if (validation.hasErrors) return this.invalid(ctx, requested, validation);

    // What is stored, read under the run lock: a read made before it could predate another import.
    const college = await this.collegeRows.findById(requested.id);
    if (college === null) throw new Error(`College ${requested.id} disappeared during its import`);
    const base = { collegeId: college.id, spreadsheetId: requested.spreadsheetId };
    const counts = countFindings(validation.findings);
    const hash = contentHash(validation.sheet);
    if (hash === college.contentHash) {
      return {
        status: 'succeeded',
        summary: {
          ...base,
          outcome: 'unchanged',
          message: 'The sheet has not changed since the last import; nothing was written',
          ...counts,
          findings: validation.findings,
        },
      };
    }
    const stored = await this.pools.readCollege(college.id);
    const changes = diffCollege(stored, validation.sheet);
    const sizes = sizesOf(validation.sheet);
    const summary = {
      ...base,
      ...counts,
      sizes,
      changes,
      changeCount: countChanges(changes),
      findings: validation.findings,
    };

    const refusal = emptyingRefusal(stored, validation.sheet);
    if (refusal !== null) {
      const notified = await this.notifier.notify(
        ctx,
        college,
        validation.sheet.contacts.map((c) => c.email),
        sheetEmptiedEmail({
          collegeName: college.name,
          spreadsheetUrl: spreadsheetUrl(requested.spreadsheetId),
          reason: refusal,
        }),
      );
      return {
        status: 'refused',
        summary: { ...summary, outcome: 'refused', storedStudents: studentCount(stored), notified },
        error: `Not imported, nothing changed: ${refusal}`,
      };
    }
    if (ctx.dryRun) return { status: 'succeeded', summary: { ...summary, outcome: 'would_import' } };

    ctx.assertLockHeld();
    await this.pools.replaceCollege(college.id, validation.sheet, hash, (tx) =>
      ctx.audit(
        {
          action: 'college.pools.replaced',
          entityType: 'college',
          entityId: college.id,
          before: { contentHash: college.contentHash, importedAt: college.importedAt },
          after: { contentHash: hash, ...sizes },
          reason: `import of spreadsheet ${requested.spreadsheetId}: ${JSON.stringify(changes)}`,
        },
        tx,
      ),
    );
    return { status: 'succeeded', summary: { ...summary, outcome: 'imported' } };
  }

  /**
   * A sheet the College can fix (missing, not shared, bad id) is its problem to hear about (422); a
   * failure on our side (Google down or throttling, network, our credentials) is a fault (500) that
   * the College is not told about: it could do nothing, and an outage would email every College.
   */
  private async unreadable(
    ctx: JobContext,
    college: College,
    error: SheetUnreadableError,
  ): Promise<JobOutcome> {
    const summary = {
      collegeId: college.id,
      spreadsheetId: college.spreadsheetId,
      outcome: 'unreadable',
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

  private async invalid(ctx: JobContext, college: College, validation: SheetValidation): Promise<JobOutcome> {
    const counts = countFindings(validation.findings);
    const notified = await this.notifier.notify(
      ctx,
      college,
      validation.sheet.contacts.map((c) => c.email),
      sheetErrorsEmail({
        collegeName: college.name,
        spreadsheetUrl: spreadsheetUrl(college.spreadsheetId),
        findings: validation.findings,
        maxPoolSize: this.config.COVID_POOL_MAX_POOL_SIZE,
      }),
    );
    return {
      status: 'failed',
      failureKind: 'invalid_input',
      summary: {
        collegeId: college.id,
        spreadsheetId: college.spreadsheetId,
        outcome: 'invalid',
        ...counts,
        findings: validation.findings,
        notified,
      },
      error: `The sheet has ${counts.errors} error(s); nothing was stored`,
    };
  }
}

function countFindings(findings: Finding[]): { errors: number; warnings: number } {
  const errors = findings.filter((f) => f.severity === 'error').length;
  return { errors, warnings: findings.length - errors };
}

function sizesOf(sheet: CollegeSheet): { pools: number; households: number; students: number } {
  return {
    pools: sheet.pools.length,
    households: sheet.pools.reduce((n, p) => n + p.households.length, 0),
    students: studentCount(sheet),
  };
}
