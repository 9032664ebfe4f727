import { describe, expect, it } from '@jest/globals';
import { ConfigError } from '@app/config';
import { loadStorageGatewayConfig } from './config.js';

const ENV = {
  JOB_TOKEN: 'storage-gateway-job-token-0123456789',
  CUFS_API_URL: 'http://127.0.0.1:3005',
  STORAGE_BACKEND_URL: 'http://127.0.0.1:4110',
  STORAGE_BACKEND_TOKEN: 'storage-backend-token-0123456789',
  AUTH_BASE_URL: 'https://storage.example.org',
  OIDC_ISSUER_URL: 'https://login.example.org/',
  OIDC_CLIENT_ID: 'storage-gateway',
  OIDC_CLIENT_SECRET: 'a-client-secret',
  SESSION_SECRET: 'a-session-secret-of-at-least-32-characters',
};

function problems(env: NodeJS.ProcessEnv): string {
  try {
    loadStorageGatewayConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).message;
  }
  throw new Error('the configuration was accepted');
}

describe('storage-gateway config: the task queue', () => {
  it('runs its tasks on the local queue named storage-gateway, or on Cloud Tasks with its settings', () => {
    const local = loadStorageGatewayConfig(ENV);
    expect([local.TASKS_MODE, local.TASKS_QUEUE, local.TASKS_LOCATION]).toEqual([
      'local',
      'storage-gateway',
      'europe-west2',
    ]);
    const cloud = problems({ ...ENV, TASKS_MODE: 'cloud-tasks' });
    for (const key of ['GOOGLE_CLOUD_PROJECT', 'TASKS_SERVICE_ACCOUNT', 'TASKS_TARGET_URL']) {
      expect(cloud).toContain(`${key}: is required when TASKS_MODE=cloud-tasks`);
    }
    expect(problems({ ...ENV, TASKS_QUEUE: 'no spaces please' })).toContain(
      'TASKS_QUEUE: must be a queue name',
    );
  });
});
