// The health check against a hung supervisord and a hung ELLA API (local HTTP servers that take the
// request and never answer) and a database port nothing listens on: each part says what failed within
// its time limit, and the API probe is sent once.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { loadEllaOpsConfig } from '../src/config.js';
import { EllaDatabases } from '../src/ella-db/ella-databases.js';
import { HealthService } from '../src/health/health.service.js';
import { InstanceRegistry } from '../src/instances/instance-registry.js';
import { SupervisorClients } from '../src/supervisor/supervisor-clients.js';
import { type SilentServer, startSilentServer } from './silent-server.js';
import { freePort } from './supervisord.harness.js';

describe('health of an instance whose supervisord and API hang', () => {
  let hung: SilentServer;
  let databases: EllaDatabases;
  let health: HealthService;
  let supervisors: SupervisorClients;
  let registry: InstanceRegistry;

  beforeAll(async () => {
    hung = await startSilentServer();
    const closedPort = await freePort();
    const config = loadEllaOpsConfig({
      NODE_ENV: 'test',
      JOB_TOKEN: 'ella-ops-health-timeouts-job-token',
      ELLA_TIMEOUT_MS: '300',
      SUPERVISOR_TIMEOUT_MS: '300',
      SUPERVISOR_READ_ATTEMPTS: '2',
      // Web sign-in is required by the config; nothing here signs in, so the provider is never asked.
      AUTH_BASE_URL: 'http://127.0.0.1:3006',
      OIDC_ISSUER_URL: `http://127.0.0.1:${closedPort}/`,
      OIDC_CLIENT_ID: 'ella-ops-health-timeouts',
      OIDC_CLIENT_SECRET: 'ella-ops-health-timeouts-client-secret',
      SESSION_SECRET: 'ella-ops-health-timeouts-session-secret-0123456789',
      ELLA_INSTANCES: JSON.stringify([
        {
          name: 'hung',
          role: 'staging',
          supervisorUrl: `${hung.url}/RPC2`,
          databaseUrl: `postgresql://postgres@127.0.0.1:${closedPort}/ella`,
          ellaUrl: `${hung.url}/ella/`,
          backupUrl: 'file:///tmp/ella-backups',
        },
      ]),
    });
    registry = new InstanceRegistry(config.instances);
    databases = new EllaDatabases(config.ELLA_TIMEOUT_MS);
    supervisors = new SupervisorClients({
      timeoutMs: config.SUPERVISOR_TIMEOUT_MS,
      readAttempts: config.SUPERVISOR_READ_ATTEMPTS,
    });
    health = new HealthService(registry, databases, supervisors, config);
  });
  afterAll(async () => {
    await databases?.onModuleDestroy();
    await hung?.close();
  });

  it('reports each part as failed within its limits, sending the API probe once', async () => {
    const started = performance.now();
    const view = await health.health('hung', 15, new Date('2026-11-26T10:00:00Z'));
    const elapsed = performance.now() - started;
    expect(view).toMatchObject({
      instance: 'hung',
      requests: null,
      processes: {
        ok: false,
        error: 'supervisord of instance "hung" is unreachable: no answer within 300 ms',
      },
      database: { ok: false },
      api: { ok: false, error: 'no answer in time' },
    });
    expect(view.api.ms).toBeGreaterThanOrEqual(290);
    expect(view.api.ms).toBeLessThan(5000);
    expect(health.apiPolicy.calls).toBe(1);
    // getState and getAllProcessInfo, two attempts each, and the one probe.
    expect(supervisors.for(registry.get('hung')).policy.calls).toBe(4);
    expect(hung.requests).toBe(5);
    // Two supervisord attempts of 300 ms and a backoff (about 0.2 s) bound the whole check (the slack
    // is for a busy machine; without the limits it would never end).
    expect(elapsed).toBeLessThan(10_000);
  });
});
