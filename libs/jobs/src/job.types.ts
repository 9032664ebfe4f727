import type { PrismaTx } from '@app/db';

export type RunStatus = 'running' | 'succeeded' | 'failed' | 'refused';

/** A `platform.job_run` row as the API shows it. */
export interface JobRunRecord {
  id: string;
  app: string;
  job: string;
  scope: string | null;
  trigger: string;
  dryRun: boolean;
  status: RunStatus;
  startedAt: string;
  finishedAt: string | null;
  summary: unknown;
  error: string | null;
  approvedBy: string | null;
  parentId: string | null;
}

export interface AuditInput {
  action: string;
  entityType: string;
  entityId: string;
  before?: unknown;
  after?: unknown;
  reason?: string;
}

export interface JobContext {
  runId: string;
  app: string;
  job: string;
  scope: string | null;
  dryRun: boolean;
  /** True when the caller asked for a real run and JOBS_FORCE_DRY_RUN turned it into a dry run. */
  forcedDryRun: boolean;
  trigger: string;
  actor: string;
  /** The run's body, parsed by the job's `input` schema (`@Job({ input })`); undefined for jobs without one. */
  input?: unknown;
  /** Records a change; refuses in a dry run (a dry run changes nothing, so there is nothing to audit). */
  audit(event: AuditInput, tx?: PrismaTx): Promise<void>;
  auditMany(events: AuditInput[], tx?: PrismaTx): Promise<void>;
  /**
   * Throws LockLostError when the one-run-at-a-time lock was lost (its database connection
   * failed), since another instance may now be running. Call it before each batch of changes.
   */
  assertLockHeld(): void;
}

/**
 * What a job returns. `failed` with `failureKind: 'invalid_input'` is a run that refused bad data
 * (HTTP 422), not a fault of ours (HTTP 500); with `'unavailable'`, a system it needs could not
 * answer (HTTP 503 with `Retry-After`: nothing was decided, try again later). `S` is the job's summary type: whoever reads a run's
 * outcome in code reads it typed (RunResult.summary), never as a field of the stored JSON.
 */
export interface JobOutcome<S extends object = Record<string, unknown>> {
  status: 'succeeded' | 'failed' | 'refused';
  summary: S;
  error?: string;
  failureKind?: 'invalid_input' | 'unavailable';
  /** With `failureKind: 'unavailable'` (HTTP 503): seconds before trying again. */
  retryAfterSeconds?: number;
  /** How much the run read, stored in its own column: the next run's read floor (sync jobs). */
  readSize?: number;
}

export interface RunRequest {
  job: string;
  scope?: string;
  dryRun: boolean;
  trigger: string;
  actor: string;
  parentId?: string;
  approvedBy?: string;
  /** The parsed body (see JobContext.input). */
  input?: unknown;
  /** The job's `@Job({ forceDryRunNotApplied })`: JOBS_FORCE_DRY_RUN does not make this run dry. */
  forceDryRunNotApplied?: string;
  /**
   * Checked while holding the run lock, before the run record exists: a throw (e.g. a 409 because
   * the precondition no longer holds) releases the lock and leaves no run behind.
   */
  beforeStart?: () => Promise<void>;
}

/** A job reachable as `POST /jobs/<name>`; implement it on a provider decorated with `@Job(...)`. */
export interface JobHandler<S extends object = object> {
  run(ctx: JobContext): Promise<JobOutcome<S>>;
}
