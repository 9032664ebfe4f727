import { describe, expect, it } from '@jest/globals';
import type { College, PrismaTx } from '@app/db';
import {
  type AuditInput,
  type JobContext,
  type JobRunner,
  type JobRunRepository,
  type PlannedChangeRepository,
  SyncRunner,
} from '@app/jobs';
import { fake } from '@app/testing';
import type { CollegesRepository } from '../colleges/colleges.repository.js';
import type { CollegesService } from '../colleges/colleges.service.js';
import type { CovidPoolConfig } from '../config.js';
import { type SheetSource, SheetUnreadableError } from '../sheet/sheet-source.js';
import type { CollegeSheet, RawWorkbook } from '../sheet/sheet.types.js';
import { validateCollegeSheet } from '../sheet/validate-sheet.util.js';
import { contentHash } from './content-hash.util.js';
import type { ImportNotifier, Notified } from './import-notifier.service.js';
import { ImportService } from './import.service.js';
import type { PoolsRepository } from './pools.repository.js';

const MAX_POOL_SIZE = 10;

/** A workbook with one pool per entry, one household each, listing those students. */
function workbook(...pools: string[][]): RawWorkbook {
  const width = Math.max(1, ...pools.map((students) => students.length));
  return {
    worksheets: {
      Pools: [['Pool', 'Description', 'Collection day'], ...pools.map((_, p) => [`P${p}`, '', 'Monday'])],
      Households: [
        ['Household', 'Pool', ...Array.from({ length: width }, (_, i) => `Student ${i + 1}`)],
        ...pools.map((students, p) => [`H${p}`, `P${p}`, ...students]),
      ],
      Contacts: [
        ['Name', 'Email'],
        ['Porter', 'porter@example.ac.uk'],
      ],
    },
  };
}

const sheetOf = (raw: RawWorkbook): CollegeSheet =>
  validateCollegeSheet(raw, { maxPoolSize: MAX_POOL_SIZE }).sheet;

function college(contentHash: string | null): College {
  const at = new Date('2026-11-01T00:00:00Z');
  return {
    id: 'KINGS',
    name: "King's College",
    spreadsheetId: 'sheet-kings',
    active: true,
    contentHash,
    importedAt: contentHash === null ? null : at,
    createdAt: at,
    updatedAt: at,
  };
}

interface Setup {
  /** What the sheet source answers. */
  sheet: RawWorkbook | SheetUnreadableError;
  /** What is stored now (and its hash). */
  stored?: RawWorkbook;
  dryRun?: boolean;
}

function setup({ sheet, stored, dryRun = false }: Setup) {
  const storedSheet = stored === undefined ? { pools: [], contacts: [] } : sheetOf(stored);
  const row = college(stored === undefined ? null : contentHash(storedSheet));
  const seen = {
    emails: [] as { subject: string; contacts: string[] | null }[],
    replaced: [] as { hash: string; sheet: CollegeSheet }[],
    audits: [] as AuditInput[],
  };
  const ctx: JobContext = {
    runId: 'run-1',
    app: 'covid-pool',
    job: 'import',
    scope: row.id,
    dryRun,
    forcedDryRun: false,
    trigger: 'test',
    actor: 'tester',
    audit: (event) => {
      if (dryRun) throw new Error('a dry run must not audit');
      seen.audits.push(event);
      return Promise.resolve();
    },
    auditMany: () => Promise.reject(new Error('not used')),
    assertLockHeld: () => undefined,
  };
  const runner = fake<JobRunner>({
    run: async (_request, work) => {
      const outcome = await work(ctx);
      return {
        record: {
          id: ctx.runId,
          app: ctx.app,
          job: ctx.job,
          scope: ctx.scope,
          trigger: ctx.trigger,
          dryRun,
          status: outcome.status,
          startedAt: '',
          finishedAt: '',
          summary: outcome.summary,
          error: outcome.error ?? null,
          approvedBy: null,
          parentId: null,
        },
        failureKind: outcome.failureKind,
        summary: outcome.summary,
      };
    },
  });
  // The import has no read floor and stores no plan: the runner's repositories are never called.
  const syncRunner = new SyncRunner(fake<JobRunRepository>(), fake<PlannedChangeRepository>());
  const pools = fake<PoolsRepository>({
    readCollege: () => Promise.resolve(storedSheet),
    replaceCollege: async (_id, incoming, hash, alsoInTransaction) => {
      seen.replaced.push({ hash, sheet: incoming });
      await alsoInTransaction(fake<PrismaTx>());
    },
  });
  const notifier = fake<ImportNotifier>({
    notify: (notifyCtx, _college, contacts, email): Promise<Notified> => {
      if (notifyCtx.dryRun) return Promise.resolve({ skipped: 'dry run' });
      seen.emails.push({ subject: email.subject, contacts });
      return Promise.resolve({ to: ['porter@example.ac.uk'] });
    },
  });
  const source: SheetSource = {
    read: () => (sheet instanceof SheetUnreadableError ? Promise.reject(sheet) : Promise.resolve(sheet)),
  };
  const service = new ImportService(
    runner,
    syncRunner,
    fake<CollegesService>({ get: () => Promise.resolve(row) }),
    fake<CollegesRepository>({ findById: () => Promise.resolve(row) }),
    pools,
    notifier,
    source,
    fake<CovidPoolConfig>({ COVID_POOL_MAX_POOL_SIZE: MAX_POOL_SIZE }),
  );
  const run = () => service.importCollege(row.id, { dryRun, trigger: 'test', actor: 'tester' });
  return { run, seen };
}

const TWO_POOLS = workbook(['ab123', 'cd456'], ['ef789']);

describe('ImportService.importCollege', () => {
  it('imported: a valid changed sheet replaces the pools in one write, audited', async () => {
    const { run, seen } = setup({ sheet: TWO_POOLS, stored: workbook(['ab123']) });
    const result = await run();
    expect(result.record.status).toBe('succeeded');
    expect(result.summary).toMatchObject({
      outcome: 'imported',
      sizes: { pools: 2, households: 2, students: 3 },
      errors: 0,
    });
    expect(seen.replaced).toHaveLength(1);
    expect(seen.replaced[0]?.hash).toBe(contentHash(sheetOf(TWO_POOLS)));
    expect(seen.audits.map((a) => [a.action, a.entityId])).toEqual([['college.pools.replaced', 'KINGS']]);
    expect(seen.emails).toEqual([]);
  });

  it('unchanged: the same sheet as the last import writes nothing', async () => {
    const { run, seen } = setup({ sheet: TWO_POOLS, stored: TWO_POOLS });
    const result = await run();
    expect(result.record.status).toBe('succeeded');
    expect(result.summary).toMatchObject({
      outcome: 'unchanged',
      message: expect.stringMatching(/not changed/),
    });
    expect(seen.replaced).toEqual([]);
  });

  it('invalid: a sheet with errors stores nothing, tells the College every error (422)', async () => {
    const { run, seen } = setup({ sheet: workbook(['not a crsid!']), stored: TWO_POOLS });
    const result = await run();
    expect(result.record.status).toBe('failed');
    expect(result.failureKind).toBe('invalid_input');
    expect(result.summary).toMatchObject({ outcome: 'invalid', notified: { to: ['porter@example.ac.uk'] } });
    expect(result.summary?.outcome === 'invalid' && result.summary.errors).toBeGreaterThan(0);
    expect(seen.replaced).toEqual([]);
    expect(seen.emails).toEqual([{ subject: expect.any(String), contacts: ['porter@example.ac.uk'] }]);
  });

  it('unreadable, the College can fix it: it is told (422)', async () => {
    const { run, seen } = setup({
      sheet: new SheetUnreadableError('sheet-kings', 'no such spreadsheet', 'not_found'),
    });
    const result = await run();
    expect(result.record.status).toBe('failed');
    expect(result.failureKind).toBe('invalid_input');
    expect(result.summary).toMatchObject({ outcome: 'unreadable', kind: 'not_found', mustAct: 'college' });
    expect(seen.emails).toHaveLength(1);
  });

  it('unreadable on our side: a fault (500), the College is not told', async () => {
    const { run, seen } = setup({
      sheet: new SheetUnreadableError('sheet-kings', 'Google is down', 'unavailable'),
    });
    const result = await run();
    expect(result.record.status).toBe('failed');
    expect(result.failureKind).toBeUndefined();
    expect(result.summary).toMatchObject({
      outcome: 'unreadable',
      mustAct: 'us',
      notified: { skipped: expect.any(String) },
    });
    expect(seen.emails).toEqual([]);
  });

  it('refused: a valid sheet that would delete every stored student is not imported; the College is told', async () => {
    const { run, seen } = setup({ sheet: workbook([]), stored: TWO_POOLS });
    const result = await run();
    expect(result.record.status).toBe('refused');
    expect(result.record.error).toMatch(
      /^Not imported, nothing changed: the sheet lists no students, but 3 students/,
    );
    expect(result.summary).toMatchObject({
      outcome: 'refused',
      storedStudents: 3,
      notified: { to: ['porter@example.ac.uk'] },
    });
    expect(seen.replaced).toEqual([]);
    expect(seen.emails).toHaveLength(1);
  });

  it('dry run: the same checks, nothing written, nobody emailed', async () => {
    const { run, seen } = setup({ sheet: TWO_POOLS, stored: workbook(['ab123']), dryRun: true });
    const result = await run();
    expect(result.record.status).toBe('succeeded');
    expect(result.summary).toMatchObject({ outcome: 'would_import', dryRun: true });
    expect(seen.replaced).toEqual([]);
    expect(seen.emails).toEqual([]);
    expect(seen.audits).toEqual([]);
  });

  it('a refused dry run emails no one', async () => {
    const { run, seen } = setup({ sheet: workbook([]), stored: TWO_POOLS, dryRun: true });
    const result = await run();
    expect(result.record.status).toBe('refused');
    expect(seen.emails).toEqual([]);
  });
});
