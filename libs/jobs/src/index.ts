export { JobsModule } from './jobs.module.js';
export { JobRunner, type RunResult } from './job-runner.service.js';
export { JobRunRepository, toJson, type ApprovingRun } from './job-run.repository.js';
export { Job, type JobMetadata } from './job.decorator.js';
export { JobAlreadyRunningException } from './job-errors.js';
export { LockLostError } from './run-lock.js';
export { documentJobs } from './jobs.openapi.js';
export { JobRegistry, type RegisteredJob } from './job-registry.js';
export type { TriggerMode } from './http.util.js';
export {
  RunEndpoint,
  RunOptions,
  RunResultInterceptor,
  RUN_ENDPOINT,
  type RunEndpointOptions,
} from './run-endpoint.js';
export { checkSafetyLimits, type SafetyLimits, type SafetyVerdict } from './safety.util.js';
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
export { SyncRunner } from './sync-runner.service.js';
export { PlannedChangeRepository } from './planned-change.repository.js';
export { opsEmails } from './ops-emails.js';
export { isBelowReadFloor } from './read-floor.util.js';
export {
  ApprovalService,
  isApprovable,
  type ApprovableJob,
  type ApprovalPolicy,
  type ApprovalRequest,
} from './approval.service.js';
export type {
  ApplyEnding,
  Approval,
  ApprovalSelection,
  OpsEmail,
  OpsEmailKind,
  PreviousRead,
  RunMailer,
  SyncApplier,
  SyncEnding,
  SyncNotifier,
  SyncDefinition,
  SyncOutcome,
  SyncRun,
  SyncSummary,
  SyncWords,
} from './sync.types.js';
