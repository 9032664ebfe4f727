import { describe, expect, it } from '@jest/globals';
import { Test } from '@nestjs/testing';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  CloudTasksQueue,
  GcsObjectStore,
  GoogleModule,
  type GoogleModuleOptions,
  ID_TOKEN_PROVIDER,
  type IdTokenProvider,
  LocalFolderStore,
  LocalSecretSource,
  LocalTaskQueue,
  MetadataIdTokenProvider,
  OBJECT_STORE,
  type ObjectStore,
  SECRET_SOURCE,
  SecretManagerSource,
  type SecretSource,
  StaticIdTokenProvider,
  TASK_QUEUE,
  type TaskQueue,
} from './index.js';

async function moduleWith(options: GoogleModuleOptions) {
  const moduleRef = await Test.createTestingModule({
    imports: [GoogleModule.forRootAsync({ useFactory: () => options })],
  }).compile();
  await moduleRef.init();
  return {
    moduleRef,
    tasks: moduleRef.get<TaskQueue>(TASK_QUEUE),
    storage: moduleRef.get<ObjectStore>(OBJECT_STORE),
    secrets: moduleRef.get<SecretSource>(SECRET_SOURCE),
    idTokens: moduleRef.get<IdTokenProvider>(ID_TOKEN_PROVIDER),
  };
}

describe('GoogleModule', () => {
  it('gives the local stand-ins from local settings, and stops the dispatcher with the app', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'google-module-'));
    try {
      const { moduleRef, tasks, storage, secrets, idTokens } = await moduleWith({
        tasks: {
          kind: 'local',
          targetUrl: 'http://127.0.0.1:1',
          queueName: 'q',
          bearerToken: 'job-token-0123456789',
        },
        storage: { kind: 'folder', dir },
        secrets: { kind: 'local', values: { 'cufs-api-token': 'local-value' } },
        idTokens: { kind: 'static', token: 'callee-job-token-0123456789' },
      });
      expect(tasks).toBeInstanceOf(LocalTaskQueue);
      expect(storage).toBeInstanceOf(LocalFolderStore);
      expect(secrets).toBeInstanceOf(LocalSecretSource);
      expect(idTokens).toBeInstanceOf(StaticIdTokenProvider);
      expect(await secrets.read('cufs-api-token')).toBe('local-value');
      expect(await idTokens.token('https://cufs-api.example')).toBe('callee-job-token-0123456789');
      await moduleRef.close();
      await expect(tasks.enqueue({ job: 'provision', id: 'after-close' })).rejects.toThrow(/closed/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('gives the real clients from cloud settings, loading none of them yet', async () => {
    const { moduleRef, tasks, storage, secrets, idTokens } = await moduleWith({
      tasks: {
        kind: 'cloud-tasks',
        project: 'p',
        location: 'europe-west2',
        queue: 'q',
        targetUrl: 'https://svc.example',
        serviceAccountEmail: 'tasks@p.iam.gserviceaccount.com',
      },
      storage: { kind: 'gcs', bucket: 'b' },
      secrets: { kind: 'secret-manager', project: 'p' },
      idTokens: { kind: 'metadata' },
    });
    expect(tasks).toBeInstanceOf(CloudTasksQueue);
    expect(storage).toBeInstanceOf(GcsObjectStore);
    expect(secrets).toBeInstanceOf(SecretManagerSource);
    expect(idTokens).toBeInstanceOf(MetadataIdTokenProvider);
    await moduleRef.close();
  });

  it('a part without settings fails when used, naming the part', async () => {
    const { moduleRef, tasks, storage, secrets, idTokens } = await moduleWith({});
    await expect(tasks.enqueue({ job: 'provision', id: 'x' })).rejects.toThrow(
      'GoogleModule: no tasks settings were given for this app',
    );
    await expect(storage.exists('a')).rejects.toThrow('no storage settings');
    await expect(secrets.read('a')).rejects.toThrow('no secrets settings');
    await expect(idTokens.token('a')).rejects.toThrow('no idTokens settings');
    await moduleRef.close();
  });
});
