import { Inject, Injectable, Logger } from '@nestjs/common';
import { redactUrlCredentials } from '@app/logging';
import { JobAlreadyRunningException } from './job-errors.js';
import { JobRunRepository } from './job-run.repository.js';
import type { JobContext, JobOutcome, JobRunRecord, RunRequest } from './job.types.js';
import { JOBS_OPTIONS, type JobsModuleOptions } from './jobs.options.js';
import { LockLostError, RunLock } from './run-lock.js';

/** What a run returns to HTTP: its record, and the outcome's failure kind for the status code. */
export interface RunResult {
  record: JobRunRecord;
  failureKind?: JobOutcome['failureKind'];
}

/**
 * The job contract: one run at a time per job (and scope), a `platform.job_run` record from start
 * to finish, forced dry runs, audit rows tied to the run. A run that throws is recorded as failed
 * with its error; the exception never escapes to take the process down.
 */
@Injectable()
export class JobRunner {
  private readonly logger = new Logger('Jobs');

  constructor(
    @Inject(JOBS_OPTIONS) private readonly options: JobsModuleOptions,
    private readonly runs: JobRunRepository,
    private readonly lock: RunLock,
  ) {}

  get app(): string {
    return this.options.app;
  }

  async run(request: RunRequest, work: (ctx: JobContext) => Promise<JobOutcome>): Promise<RunResult> {
    const { app } = this.options;
    const scope = request.scope ?? null;
    const key = `job:${app}:${request.job}:${scope ?? ''}`;
    const held = await this.lock.tryAcquire(key);
    if (held === null) {
      const running = await this.runs.findRunning(app, request.job, scope);
      throw new JobAlreadyRunningException(request.job, scope, running?.id ?? null);
    }
    try {
      await request.beforeStart?.();
      const abandoned = await this.runs.failAbandoned(app, request.job, scope);
      if (abandoned > 0) this.logger.warn(`${request.job}: marked ${abandoned} abandoned run(s) as failed`);
      const forcedDryRun = this.options.forceDryRun && !request.dryRun;
      const dryRun = request.dryRun || this.options.forceDryRun;
      const record = await this.runs.start({
        app,
        job: request.job,
        scope,
        trigger: request.trigger,
        dryRun,
        parentId: request.parentId,
        approvedBy: request.approvedBy,
      });
      const ctx: JobContext = {
        runId: record.id,
        app,
        job: request.job,
        scope,
        dryRun,
        forcedDryRun,
        trigger: request.trigger,
        actor: request.actor,
        audit: (event, tx) => ctx.auditMany([event], tx),
        assertLockHeld: () => {
          if (held.lost) throw new LockLostError(key);
        },
        auditMany: async (events, tx) => {
          if (dryRun) throw new Error('a dry run must not write audit events: it changes nothing');
          await this.runs.audit(app, request.actor, record.id, events, tx);
        },
      };
      return await this.execute(ctx, work);
    } finally {
      // The run is recorded by now; a lock that cannot be released cleanly (its connection died)
      // is released by PostgreSQL with the connection, so it must not turn the result into a 500.
      await held
        .release()
        .catch((error: unknown) =>
          this.logger.warn(`${request.job}: releasing the run lock failed: ${String(error)}`),
        );
    }
  }

  private async execute(ctx: JobContext, work: (ctx: JobContext) => Promise<JobOutcome>): Promise<RunResult> {
    const started = Date.now();
    let outcome: JobOutcome;
    try {
      outcome = await work(ctx);
    } catch (error) {
      const message = redactUrlCredentials(error instanceof Error ? error.message : String(error));
      const stack = error instanceof Error && error.stack ? redactUrlCredentials(error.stack) : undefined;
      this.logger.error({
        event: 'job_failed',
        job: ctx.job,
        runId: ctx.runId,
        error: message,
        stack_trace: stack,
      });
      outcome = { status: 'failed', summary: {}, error: message };
    }
    const summary = ctx.forcedDryRun ? { ...outcome.summary, forcedDryRun: true } : outcome.summary;
    const record = await this.runs.finish(ctx.runId, {
      status: outcome.status,
      summary,
      error: outcome.error,
    });
    this.logger.log({
      event: 'job_finished',
      job: ctx.job,
      scope: ctx.scope,
      runId: ctx.runId,
      status: record.status,
      dryRun: ctx.dryRun,
      durationMs: Date.now() - started,
    });
    return { record, failureKind: outcome.failureKind };
  }
}
