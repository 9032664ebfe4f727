import { Injectable } from '@nestjs/common';
import { type JobRun, Prisma, PrismaService } from '@app/db';
import type { AuditInput, JobRunRecord, RunStatus } from './job.types.js';
import type { PrismaTx } from '@app/db';

export function toRecord(row: JobRun): JobRunRecord {
  return {
    id: row.id,
    app: row.app,
    job: row.job,
    scope: row.scope,
    trigger: row.trigger,
    dryRun: row.dryRun,
    status: row.status,
    startedAt: row.startedAt.toISOString(),
    finishedAt: row.finishedAt?.toISOString() ?? null,
    summary: row.summary,
    error: row.error,
    approvedBy: row.approvedBy,
    parentId: row.parentId,
  };
}

/** JSON-safe copy: BigInt -> string, Date -> ISO string, undefined dropped. */
export function toJson(value: unknown): Prisma.InputJsonValue {
  return JSON.parse(
    JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)) ?? 'null',
  ) as Prisma.InputJsonValue;
}

/** A run that approved a refused run. */
export interface ApprovingRun {
  id: string;
  approvedBy: string | null;
  status: RunStatus;
}

@Injectable()
export class JobRunRepository {
  constructor(private readonly prisma: PrismaService) {}

  async start(input: {
    /** Chosen by the runner before it took the lock (see JobRunner.run). */
    id?: string;
    app: string;
    job: string;
    scope: string | null;
    trigger: string;
    dryRun: boolean;
    parentId?: string;
    approvedBy?: string;
  }): Promise<JobRunRecord> {
    const row = await this.prisma.jobRun.create({ data: { ...input, status: 'running' } });
    return toRecord(row);
  }

  async finish(
    id: string,
    result: {
      status: Exclude<RunStatus, 'running'>;
      summary: unknown;
      error?: string | null;
      readSize?: number;
    },
  ): Promise<JobRunRecord> {
    const row = await this.prisma.jobRun.update({
      where: { id },
      data: {
        status: result.status,
        readSize: result.readSize ?? null,
        summary: result.summary === undefined ? Prisma.DbNull : toJson(result.summary),
        error: result.error ?? null,
        finishedAt: new Date(),
      },
    });
    return toRecord(row);
  }

  /** Runs of this job still marked running although no process holds the lock: their process died. */
  async failAbandoned(app: string, job: string, scope: string | null, exceptId?: string): Promise<number> {
    const result = await this.prisma.jobRun.updateMany({
      where: { app, job, scope, status: 'running', ...(exceptId ? { NOT: { id: exceptId } } : {}) },
      data: {
        status: 'failed',
        error: 'abandoned: the process running it stopped before it finished',
        finishedAt: new Date(),
      },
    });
    return result.count;
  }

  async findRunning(app: string, job: string, scope: string | null): Promise<JobRunRecord | null> {
    const row = await this.prisma.jobRun.findFirst({
      where: { app, job, scope, status: 'running' },
      orderBy: { startedAt: 'desc' },
    });
    return row ? toRecord(row) : null;
  }

  /** The read size of the last successful run of the job that recorded one: the read floor's yardstick. */
  async findLastReadSize(app: string, job: string): Promise<{ runId: string; size: number } | null> {
    const run = await this.prisma.jobRun.findFirst({
      where: { app, job, status: 'succeeded', readSize: { not: null } },
      orderBy: { startedAt: 'desc' },
      select: { id: true, readSize: true },
    });
    return run?.readSize == null ? null : { runId: run.id, size: run.readSize };
  }

  /**
   * The real (not dry) run that approved `refusedRunId` (a run of the same job whose parent it
   * is), other than `exceptRunId`; null if none.
   */
  async findApproval(
    app: string,
    job: string,
    refusedRunId: string,
    exceptRunId?: string,
  ): Promise<ApprovingRun | null> {
    return this.prisma.jobRun.findFirst({
      where: {
        app,
        job,
        parentId: refusedRunId,
        dryRun: false,
        ...(exceptRunId === undefined ? {} : { NOT: { id: exceptRunId } }),
      },
      orderBy: { startedAt: 'asc' },
      select: { id: true, approvedBy: true, status: true },
    });
  }

  /**
   * The real run of `job` that a Cloud Tasks task (its trigger, `task:<id>`) already completed, if
   * any: a task delivered again after it succeeded is answered with that run instead of a new one.
   */
  async findSucceededTask(app: string, job: string, trigger: string): Promise<JobRunRecord | null> {
    const row = await this.prisma.jobRun.findFirst({
      where: { app, job, trigger, status: 'succeeded', dryRun: false },
      orderBy: { startedAt: 'desc' },
    });
    return row ? toRecord(row) : null;
  }

  async findById(app: string, id: string): Promise<JobRunRecord | null> {
    const row = await this.prisma.jobRun.findFirst({ where: { id, app } });
    return row ? toRecord(row) : null;
  }

  async list(app: string, filter: { job?: string; scope?: string; limit: number }): Promise<JobRunRecord[]> {
    const rows = await this.prisma.jobRun.findMany({
      where: { app, job: filter.job, scope: filter.scope },
      orderBy: [{ startedAt: 'desc' }, { id: 'desc' }],
      take: filter.limit,
    });
    return rows.map(toRecord);
  }

  async audit(
    app: string,
    actor: string,
    runId: string | null,
    events: AuditInput[],
    tx?: PrismaTx,
  ): Promise<void> {
    if (events.length === 0) return;
    await (tx ?? this.prisma).auditEvent.createMany({
      data: events.map((e) => ({
        app,
        actor,
        runId,
        action: e.action,
        entityType: e.entityType,
        entityId: e.entityId,
        before: e.before === undefined ? Prisma.DbNull : toJson(e.before),
        after: e.after === undefined ? Prisma.DbNull : toJson(e.after),
        reason: e.reason ?? null,
      })),
    });
  }
}
