import { type DynamicModule, Module } from '@nestjs/common';
import { webAuthOptionsFrom, WebAuthModule } from '@app/auth';
import { AppConfigModule } from '@app/config';
import { GoogleModule, type TaskQueueSettings } from '@app/google';
import { PlatformModule, UNMATCHED_ROUTE_PAGE } from '@app/service';
import { EllaAudit } from './audit/ella-audit.js';
import { BackupTask } from './backups/backup.task.js';
import { BackupsController } from './backups/backups.controller.js';
import { BackupsService } from './backups/backups.service.js';
import { BroadcastsController } from './broadcasts/broadcasts.controller.js';
import { BroadcastsService } from './broadcasts/broadcasts.service.js';
import { EllaDatabases } from './ella-db/ella-databases.js';
import { InstanceHealthController } from './health/health.controller.js';
import { HealthService } from './health/health.service.js';
import { Clock, SystemClock } from './clock.js';
import { ELLA_OPS_CONFIG, type EllaOpsConfig } from './config.js';
import { InstanceRegistry } from './instances/instance-registry.js';
import { InstancesController } from './instances/instances.controller.js';
import { AlertsService } from './monitor/alerts.service.js';
import { MonitorChecks } from './monitor/monitor-checks.service.js';
import { MonitorJob } from './monitor/monitor.job.js';
import { ProcessesController } from './processes/processes.controller.js';
import { ProcessesService } from './processes/processes.service.js';
import { ReleasesController } from './releases/releases.controller.js';
import { ReleaseBroadcasts } from './releases/release-broadcasts.service.js';
import { ReleasesService } from './releases/releases.service.js';
import { SupervisorClients } from './supervisor/supervisor-clients.js';
import { UiExceptionsController } from './ui-exceptions/ui-exceptions.controller.js';
import { UiExceptionsService } from './ui-exceptions/ui-exceptions.service.js';
import { WEB_CONTROLLERS, WEB_PROVIDERS } from './web/web.parts.js';

export const APP = 'ella-ops';

/** Backups run as tasks: Cloud Tasks in the cloud; locally the in-process dispatcher calls this app. */
const taskQueueSettings = (config: EllaOpsConfig): TaskQueueSettings =>
  config.TASKS_MODE === 'cloud-tasks'
    ? {
        kind: 'cloud-tasks',
        project: config.GOOGLE_CLOUD_PROJECT ?? '',
        location: config.TASKS_LOCATION,
        queue: config.TASKS_QUEUE,
        targetUrl: config.TASKS_TARGET_URL ?? '',
        serviceAccountEmail: config.TASKS_SERVICE_ACCOUNT ?? '',
        // A dump of a large database takes many minutes: Cloud Tasks' longest wait, as Cloud Run's
        // request timeout (terraform: 1800 s).
        dispatchDeadlineSeconds: 1800,
      }
    : {
        kind: 'local',
        targetUrl: config.TASKS_TARGET_URL ?? `http://127.0.0.1:${config.PORT}`,
        queueName: config.TASKS_QUEUE,
        bearerToken: config.JOB_TOKEN ?? '',
      };

/**
 * ella-ops: one operations gateway for every ELLA instance. `config` is the validated environment
 * with its instance list (tests pass their own). Viewers read, operators act (bearer roles `viewer`
 * and `operator` on the API; web sign-in roles of the same names on the pages); every action is
 * audited with its reason.
 */
@Module({})
export class AppModule {
  static forRoot(config: EllaOpsConfig, overrides: { clock?: Clock } = {}): DynamicModule {
    return {
      module: AppModule,
      // Global for one export: the 404 page the platform's error filter (in PlatformModule) asks for.
      global: true,
      exports: [UNMATCHED_ROUTE_PAGE],
      imports: [
        PlatformModule.forRoot(APP, config),
        AppConfigModule.forRoot(ELLA_OPS_CONFIG, config),
        // People sign in for the pages: viewers and operators by address or group.
        WebAuthModule.forRoot(
          webAuthOptionsFrom(config, {
            viewer: { emails: config.VIEWER_EMAILS, groups: config.VIEWER_GROUPS },
            operator: { emails: config.OPERATOR_EMAILS, groups: config.OPERATOR_GROUPS },
          }),
        ),
        GoogleModule.forRootAsync({ useFactory: () => ({ tasks: taskQueueSettings(config) }) }),
      ],
      controllers: [
        InstancesController,
        ProcessesController,
        BroadcastsController,
        UiExceptionsController,
        InstanceHealthController,
        BackupsController,
        ...WEB_CONTROLLERS,
        ReleasesController,
      ],
      providers: [
        { provide: Clock, useValue: overrides.clock ?? new SystemClock() },
        { provide: InstanceRegistry, useValue: new InstanceRegistry(config.instances) },
        {
          provide: SupervisorClients,
          useValue: new SupervisorClients({
            timeoutMs: config.SUPERVISOR_TIMEOUT_MS,
            actionTimeoutMs: config.SUPERVISOR_ACTION_TIMEOUT_MS,
            readAttempts: config.SUPERVISOR_READ_ATTEMPTS,
          }),
        },
        { provide: EllaDatabases, useFactory: () => new EllaDatabases(config.ELLA_TIMEOUT_MS) },
        EllaAudit,
        ProcessesService,
        BroadcastsService,
        UiExceptionsService,
        HealthService,
        BackupsService,
        BackupTask,
        ReleaseBroadcasts,
        ReleasesService,
        MonitorChecks,
        AlertsService,
        MonitorJob,
        ...WEB_PROVIDERS,
      ],
    };
  }
}
