export { JobsModule } from './jobs.module.js';
export { JobRunner, type RunResult } from './job-runner.service.js';
export { JobRunRepository, toJson } from './job-run.repository.js';
export { Job, type JobMetadata } from './job.decorator.js';
export { JobAlreadyRunningException } from './job-errors.js';
export { LockLostError } from './run-lock.js';
export { parseDryRun, dryRunOf, triggerOf, httpStatusOf, type TriggerMode } from './http.util.js';
export {
  RunEndpoint,
  RunOptions,
  RunResultInterceptor,
  RUN_ENDPOINT,
  type RunEndpointOptions,
} from './run-endpoint.js';
export { checkSafetyLimits, type SafetyLimits, type SafetyVerdict } from './safety.util.js';
export { planThenApply, type PlanApplySteps } from './plan-apply.util.js';
export type { JobsModuleOptions } from './jobs.options.js';
export type {
  AuditInput,
  JobContext,
  JobHandler,
  JobOutcome,
  JobRunRecord,
  RunRequest,
  RunStatus,
} from './job.types.js';
