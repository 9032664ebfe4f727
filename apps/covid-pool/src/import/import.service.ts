import { Inject, Injectable, Logger } from '@nestjs/common';
import type { College } from '@app/db';
import { type JobContext, type JobOutcome, JobRunner, type RunResult } from '@app/jobs';
import { EmailOutbox } from '@app/notifications';
import { spreadsheetUrl } from '../colleges/college.types.js';
import { CollegesService } from '../colleges/colleges.service.js';
import { COVID_POOL_CONFIG, type CovidPoolConfig } from '../config.js';
import { SHEET_SOURCE, type SheetSource, SheetUnreadableError } from '../sheet/sheet-source.js';
import type { Finding } from '../sheet/sheet.types.js';
import { validateCollegeSheet } from '../sheet/validate-sheet.util.js';
import { contentHash } from './content-hash.util.js';
import { sheetErrorsEmail, sheetUnreadableEmail, type ImportEmail } from './import-email.util.js';
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

  constructor(
    private readonly runner: JobRunner,
    private readonly colleges: CollegesService,
    private readonly pools: PoolsRepository,
    private readonly outbox: EmailOutbox,
    @Inject(SHEET_SOURCE) private readonly source: SheetSource,
    @Inject(COVID_POOL_CONFIG) private readonly config: CovidPoolConfig,
  ) {}

  async importCollege(collegeId: string, request: ImportRequest): Promise<RunResult> {
    const college = await this.colleges.get(collegeId);
    return this.runner.run({ job: 'import', scope: college.id, ...request }, (ctx) => this.run(ctx, college));
  }

  private async run(ctx: JobContext, college: College): Promise<JobOutcome> {
    const base = { collegeId: college.id, spreadsheetId: college.spreadsheetId };
    let raw;
    try {
      raw = await this.source.read(college.spreadsheetId);
    } catch (error) {
      if (!(error instanceof SheetUnreadableError)) throw error;
      const notified = await this.notify(
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
        summary: { ...base, outcome: 'unreadable', reason: error.reason, notified },
        error: error.reason,
      };
    }

    const validation = validateCollegeSheet(raw, { maxPoolSize: this.config.COVID_POOL_MAX_POOL_SIZE });
    const counts = countFindings(validation.findings);
    if (validation.hasErrors) {
      const validContacts = validation.sheet.contacts.map((c) => c.email);
      const notified = await this.notify(
        ctx,
        college,
        validContacts,
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
        summary: { ...base, outcome: 'invalid', ...counts, findings: validation.findings, notified },
        error: `The sheet has ${counts.errors} error(s); nothing was stored`,
      };
    }

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
    const changes = diffCollege(await this.pools.readCollege(college.id), validation.sheet);
    const sizes = {
      pools: validation.sheet.pools.length,
      households: validation.sheet.pools.reduce((n, p) => n + p.households.length, 0),
      students: validation.sheet.pools.reduce(
        (n, p) => n + p.households.reduce((m, h) => m + h.students.length, 0),
        0,
      ),
    };
    const summary = {
      ...base,
      ...counts,
      sizes,
      changes,
      changeCount: countChanges(changes),
      findings: validation.findings,
    };
    if (ctx.dryRun) return { status: 'succeeded', summary: { ...summary, outcome: 'would_import' } };

    await this.pools.replaceCollege(college.id, validation.sheet, hash, (tx) =>
      ctx.audit(
        {
          action: 'college.pools.replaced',
          entityType: 'college',
          entityId: college.id,
          before: { contentHash: college.contentHash, importedAt: college.importedAt },
          after: { contentHash: hash, ...sizes },
          reason: `import of spreadsheet ${college.spreadsheetId}: ${JSON.stringify(changes)}`,
        },
        tx,
      ),
    );
    return { status: 'succeeded', summary: { ...summary, outcome: 'imported' } };
  }

  /**
   * One email per College per run (the outbox dedupes on the run id). Recipients: the valid contacts
   * in the sheet, else the contacts stored at the last import, else the fallback contact.
   */
  private async notify(
    ctx: JobContext,
    college: College,
    sheetContacts: string[] | null,
    email: ImportEmail,
  ): Promise<{ to: string[] } | { skipped: string }> {
    if (ctx.dryRun) return { skipped: 'dry run' };
    let to = sheetContacts ?? [];
    if (to.length === 0) to = (await this.pools.contactsOf(college.id)).map((c) => c.email);
    if (to.length === 0 && this.config.COVID_POOL_FALLBACK_CONTACT !== undefined)
      to = [this.config.COVID_POOL_FALLBACK_CONTACT];
    if (to.length === 0) {
      this.logger.warn(
        `College ${college.id} has no contact and COVID_POOL_FALLBACK_CONTACT is unset: nobody was told`,
      );
      return { skipped: 'no contact and no COVID_POOL_FALLBACK_CONTACT' };
    }
    await this.outbox.sendEmail({
      to,
      subject: email.subject,
      text: email.text,
      dedupeKey: `covid-pool:import:${ctx.runId}`,
    });
    return { to };
  }
}

function countFindings(findings: Finding[]): { errors: number; warnings: number } {
  const errors = findings.filter((f) => f.severity === 'error').length;
  return { errors, warnings: findings.length - errors };
}
