import {
  type DynamicModule,
  Global,
  Inject,
  Injectable,
  Module,
  type ModuleMetadata,
  type OnModuleDestroy,
} from '@nestjs/common';
import {
  ID_TOKEN_PROVIDER,
  type IdTokenProvider,
  StaticIdTokenProvider,
} from './id-token/id-token.provider.js';
import { MetadataIdTokenProvider } from './id-token/metadata-id-token.provider.js';
import { LocalSecretSource } from './secrets/local-secret.source.js';
import { SecretManagerSource } from './secrets/secret-manager.source.js';
import { SECRET_SOURCE, type SecretSource } from './secrets/secret-source.js';
import { GcsObjectStore } from './storage/gcs.store.js';
import { LocalFolderStore } from './storage/local-folder.store.js';
import { OBJECT_STORE, type ObjectStore } from './storage/object-store.js';
import { CloudTasksQueue } from './tasks/cloud-tasks.queue.js';
import { LocalTaskQueue } from './tasks/local-task.queue.js';
import { TASK_QUEUE, type TaskQueue, type TaskRetryConfig } from './tasks/task-queue.js';

/** Cloud Tasks in the cloud; the in-process dispatcher to the app's own URL locally. */
export type TaskQueueSettings =
  | {
      kind: 'cloud-tasks';
      project: string;
      location: string;
      queue: string;
      /** The service the tasks go to (its Cloud Run URL). */
      targetUrl: string;
      serviceAccountEmail: string;
      /** Default: targetUrl without a trailing "/". */
      audience?: string;
      /** Longest one delivery may take (15 s to 30 min; default 10 min). */
      dispatchDeadlineSeconds?: number;
    }
  | {
      kind: 'local';
      /** Usually the app itself: `http://127.0.0.1:<PORT>`. */
      targetUrl: string;
      queueName: string;
      /** The target's job token (token mode). */
      bearerToken: string;
      retry?: Partial<TaskRetryConfig>;
    };

export type ObjectStoreSettings = { kind: 'gcs'; bucket: string } | { kind: 'folder'; dir: string };

export type SecretSourceSettings =
  | { kind: 'secret-manager'; project: string }
  | { kind: 'local'; values?: Readonly<Record<string, string | undefined>>; file?: string };

export type IdTokenSettings = { kind: 'metadata' } | { kind: 'static'; token: string };

/** What an app uses of Google; each part is optional, and asking for one not given fails clearly. */
export interface GoogleModuleOptions {
  tasks?: TaskQueueSettings;
  storage?: ObjectStoreSettings;
  secrets?: SecretSourceSettings;
  idTokens?: IdTokenSettings;
}

const GOOGLE_OPTIONS = Symbol('GOOGLE_OPTIONS');

class NotConfigured {
  constructor(private readonly part: keyof GoogleModuleOptions) {}
  protected fail(): Promise<never> {
    return Promise.reject(new Error(`GoogleModule: no ${this.part} settings were given for this app`));
  }
}
class TasksNotConfigured extends NotConfigured implements TaskQueue {
  enqueue = () => this.fail();
}
class StorageNotConfigured extends NotConfigured implements ObjectStore {
  put = () => this.fail();
  putStream = () => this.fail();
  get = () => this.fail();
  exists = () => this.fail();
  delete = () => this.fail();
  list = () => this.fail();
}
class SecretsNotConfigured extends NotConfigured implements SecretSource {
  read = () => this.fail();
}
class IdTokensNotConfigured extends NotConfigured implements IdTokenProvider {
  token = () => this.fail();
}

function taskQueue(options: GoogleModuleOptions): TaskQueue {
  const settings = options.tasks;
  if (settings === undefined) return new TasksNotConfigured('tasks');
  switch (settings.kind) {
    case 'cloud-tasks':
      return new CloudTasksQueue(settings);
    case 'local':
      return new LocalTaskQueue({ ...settings, bearerToken: () => settings.bearerToken });
  }
}

function objectStore(options: GoogleModuleOptions): ObjectStore {
  const settings = options.storage;
  if (settings === undefined) return new StorageNotConfigured('storage');
  switch (settings.kind) {
    case 'gcs':
      return new GcsObjectStore({ bucket: settings.bucket });
    case 'folder':
      return new LocalFolderStore(settings.dir);
  }
}

function secretSource(options: GoogleModuleOptions): SecretSource {
  const settings = options.secrets;
  if (settings === undefined) return new SecretsNotConfigured('secrets');
  switch (settings.kind) {
    case 'secret-manager':
      return new SecretManagerSource({ project: settings.project });
    case 'local':
      return new LocalSecretSource(settings);
  }
}

function idTokenProvider(options: GoogleModuleOptions): IdTokenProvider {
  const settings = options.idTokens;
  if (settings === undefined) return new IdTokensNotConfigured('idTokens');
  switch (settings.kind) {
    case 'metadata':
      return new MetadataIdTokenProvider();
    case 'static':
      return new StaticIdTokenProvider(settings.token);
  }
}

/** Stops the local dispatcher when the app stops: no delivery or retry timer outlives the app. */
@Injectable()
class LocalQueueCloser implements OnModuleDestroy {
  constructor(@Inject(TASK_QUEUE) private readonly queue: TaskQueue) {}

  async onModuleDestroy(): Promise<void> {
    if (this.queue instanceof LocalTaskQueue) await this.queue.close();
  }
}

/**
 * The app's Google services from its settings: `TASK_QUEUE`, `OBJECT_STORE`, `SECRET_SOURCE` and
 * `ID_TOKEN_PROVIDER`, each the real client or its local stand-in. Nothing Google is loaded until used.
 */
@Global()
@Module({})
export class GoogleModule {
  static forRootAsync(options: {
    imports?: ModuleMetadata['imports'];
    inject?: (string | symbol | (abstract new (...args: never[]) => unknown))[];
    useFactory: (...args: never[]) => GoogleModuleOptions | Promise<GoogleModuleOptions>;
  }): DynamicModule {
    return {
      module: GoogleModule,
      imports: options.imports ?? [],
      providers: [
        { provide: GOOGLE_OPTIONS, inject: options.inject ?? [], useFactory: options.useFactory },
        { provide: TASK_QUEUE, inject: [GOOGLE_OPTIONS], useFactory: taskQueue },
        { provide: OBJECT_STORE, inject: [GOOGLE_OPTIONS], useFactory: objectStore },
        { provide: SECRET_SOURCE, inject: [GOOGLE_OPTIONS], useFactory: secretSource },
        { provide: ID_TOKEN_PROVIDER, inject: [GOOGLE_OPTIONS], useFactory: idTokenProvider },
        LocalQueueCloser,
      ],
      exports: [TASK_QUEUE, OBJECT_STORE, SECRET_SOURCE, ID_TOKEN_PROVIDER],
    };
  }
}
