import { type DynamicModule, Global, Module, type ModuleMetadata } from '@nestjs/common';
import { APP_INTERCEPTOR, DiscoveryModule } from '@nestjs/core';
import { ApprovalController } from './approval.controller.js';
import { ApprovalService } from './approval.service.js';
import { JobRegistry } from './job-registry.js';
import { JobRunRepository } from './job-run.repository.js';
import { JobRunner } from './job-runner.service.js';
import { JobsController, TasksController } from './jobs.controller.js';
import { JOBS_OPTIONS, type JobsModuleOptions } from './jobs.options.js';
import { PlannedChangeRepository } from './planned-change.repository.js';
import { RunLock } from './run-lock.js';
import { NoDryRunElsewhereInterceptor } from './run-endpoint.js';
import { RunsController } from './runs.controller.js';
import { SyncRunner } from './sync-runner.service.js';

/**
 * The job contract for an app: `POST /jobs/<name>` (Cloud Scheduler) and `POST /tasks/<name>` (Cloud
 * Tasks) for every provider marked `@Job`, `GET /runs`, `GET /runs/:id`, `POST /runs/:id/approve`
 * for approvable jobs, SyncRunner for sync jobs, and JobRunner for job-like endpoints of the app's
 * own (e.g. one College's import); and, for the whole app, a 400 for dry_run on any other request
 * that changes something (`NoDryRunElsewhereInterceptor`).
 */
@Global()
@Module({})
export class JobsModule {
  static forRootAsync(options: {
    imports?: ModuleMetadata['imports'];
    inject?: (string | symbol | (abstract new (...args: never[]) => unknown))[];
    useFactory: (...args: never[]) => JobsModuleOptions | Promise<JobsModuleOptions>;
  }): DynamicModule {
    return {
      module: JobsModule,
      imports: [DiscoveryModule, ...(options.imports ?? [])],
      controllers: [JobsController, TasksController, RunsController, ApprovalController],
      providers: [
        { provide: JOBS_OPTIONS, inject: options.inject ?? [], useFactory: options.useFactory },
        JobRunRepository,
        RunLock,
        JobRunner,
        JobRegistry,
        PlannedChangeRepository,
        SyncRunner,
        ApprovalService,
        // Everywhere in the app: dry_run on a request that changes something outside a run endpoint is a 400.
        { provide: APP_INTERCEPTOR, useClass: NoDryRunElsewhereInterceptor },
      ],
      exports: [JobRunner, JobRunRepository, SyncRunner],
    };
  }
}
