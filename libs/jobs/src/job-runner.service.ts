import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { redactUrlCredentials } from '@app/logging';
import { JobAlreadyRunningException } from './job-errors.js';
import { JobRunRepository } from './job-run.repository.js';
import type { JobContext, JobOutcome, JobRunRecord, RunRequest } from './job.types.js';
import { JOBS_OPTIONS, type JobsModuleOptions } from './jobs.options.js';
import { isHeld, LockLostError, RunLock } from './run-lock.js';

/**
 * What a run returns: its record (for HTTP), the outcome's failure kind (for the status code), and
 * the summary the job made, typed (undefined when the job threw): code reads this, not the record's JSON.
 */
export interface RunResult<S extends object = object> {
  record: JobRunRecord;
  failureKind?: JobOutcome['failureKind'];
  /** With `failureKind: 'unavailable'`: when to try again (the `Retry-After` header). */
  retryAfterSeconds?: number;
  summary?: S;
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

  async run<S extends object>(
    request: RunRequest,
    work: (ctx: JobContext) => Promise<JobOutcome<S>>,
  ): Promise<RunResult<S>> {
    const { app } = this.options;
    const scope = request.scope ?? null;
    const key = `job:${app}:${request.job}:${scope ?? ''}`;
    // Chosen before the lock is taken and published with it: a caller that loses the race is told
    // which run to watch even before that run's record exists.
    const runId = randomUUID();
    const held = await this.lock.tryAcquire(key, runId);
    if (!isHeld(held)) {
      const running = held.holder ?? (await this.runs.findRunning(app, request.job, scope))?.id ?? null;
      throw new JobAlreadyRunningException(request.job, scope, running);
    }
    try {
      await request.beforeStart?.();
      const abandoned = await this.runs.failAbandoned(app, request.job, scope);
      if (abandoned > 0) this.logger.warn(`${request.job}: marked ${abandoned} abandoned run(s) as failed`);
      // JOBS_FORCE_DRY_RUN makes a real run dry, unless the job says why it must not (an operator's
      // action): then the run is real, and recorded as such, its summary saying the setting was not applied.
      const forced = this.options.forceDryRun && !request.dryRun;
      const notApplied = forced ? request.forceDryRunNotApplied : undefined;
      const forcedDryRun = forced && notApplied === undefined;
      const dryRun = request.dryRun || forcedDryRun;
      const record = await this.runs.start({
        id: runId,
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
        input: request.input,
        audit: (event, tx) => ctx.auditMany([event], tx),
        assertLockHeld: () => {
          if (held.lost) throw new LockLostError(key);
        },
        auditMany: async (events, tx) => {
          if (dryRun) throw new Error('a dry run must not write audit events: it changes nothing');
          await this.runs.audit(app, request.actor, record.id, events, tx);
        },
      };
      return await this.execute(ctx, work, notApplied);
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

  private async execute<S extends object>(
    ctx: JobContext,
    work: (ctx: JobContext) => Promise<JobOutcome<S>>,
    forcedDryRunNotApplied: string | undefined,
  ): Promise<RunResult<S>> {
    const started = Date.now();
    let outcome: JobOutcome<S> | undefined;
    let failure: string | undefined;
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
      failure = message;
    }
    const summary: object = outcome?.summary ?? {};
    const record = await this.runs.finish(ctx.runId, {
      status: outcome?.status ?? 'failed',
      summary: ctx.forcedDryRun
        ? { ...summary, forcedDryRun: true }
        : forcedDryRunNotApplied === undefined
          ? summary
          : { ...summary, forcedDryRunNotApplied },
      error: outcome?.error ?? failure,
      readSize: outcome?.readSize,
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
    return {
      record,
      failureKind: outcome?.failureKind,
      summary: outcome?.summary,
      ...(outcome?.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: outcome.retryAfterSeconds }),
    };
  }
}
