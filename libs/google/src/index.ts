// Google services behind small interfaces, each with a local stand-in: Cloud Tasks (an in-process
// dispatcher), Cloud Storage (a folder), Secret Manager (settings or a file), ID tokens for calling
// our other services (a static token). The Google client libraries are loaded on first use.
export {
  checkTask,
  DEFAULT_TASK_RETRY,
  type EnqueueResult,
  InvalidTaskError,
  TASK_ID_RULE,
  TASK_QUEUE,
  type TaskQueue,
  type TaskRequest,
  type TaskRetryConfig,
} from './tasks/task-queue.js';
export {
  checkTaskQueueRules,
  type TaskQueueConfigFields,
  taskQueueSchema,
} from './tasks/task-queue.config.js';
export { taskId } from './tasks/task-id.util.js';
export { taskRetryDelayMs } from './tasks/task-backoff.util.js';
export {
  type LocalTask,
  LocalTaskQueue,
  type LocalTaskQueueOptions,
  type LocalTaskState,
  type TaskAttempt,
} from './tasks/local-task.queue.js';
export {
  type CloudTasksClientOptions,
  CloudTasksQueue,
  type CloudTasksQueueOptions,
} from './tasks/cloud-tasks.queue.js';
export {
  OBJECT_STORE,
  ObjectNotFoundError,
  type ObjectStore,
  type PutOptions,
  type StoredObject,
} from './storage/object-store.js';
export {
  assertObjectName,
  InvalidObjectNameError,
  OBJECT_NAME_RULE,
  objectNameProblem,
} from './storage/object-name.util.js';
export { LocalFolderStore } from './storage/local-folder.store.js';
export { GcsObjectStore, type GcsObjectStoreOptions } from './storage/gcs.store.js';
export { SECRET_SOURCE, SecretNotFoundError, type SecretSource } from './secrets/secret-source.js';
export { LocalSecretSource, type LocalSecretSourceOptions } from './secrets/local-secret.source.js';
export {
  type SecretManagerClientOptions,
  SecretManagerSource,
  type SecretManagerSourceOptions,
} from './secrets/secret-manager.source.js';
export {
  bearerFor,
  ID_TOKEN_PROVIDER,
  type IdTokenProvider,
  StaticIdTokenProvider,
} from './id-token/id-token.provider.js';
export {
  type FetchIdToken,
  MetadataIdTokenProvider,
  type MetadataIdTokenProviderOptions,
} from './id-token/metadata-id-token.provider.js';
export {
  GoogleModule,
  type GoogleModuleOptions,
  type IdTokenSettings,
  type ObjectStoreSettings,
  type SecretSourceSettings,
  type TaskQueueSettings,
} from './google.module.js';
