import { type DynamicModule, Global, Module, type ModuleMetadata } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { JobRegistry } from './job-registry.js';
import { JobRunRepository } from './job-run.repository.js';
import { JobRunner } from './job-runner.service.js';
import { JobsController, TasksController } from './jobs.controller.js';
import { JOBS_OPTIONS, type JobsModuleOptions } from './jobs.options.js';
import { RunLock } from './run-lock.js';
import { RunsController } from './runs.controller.js';

/**
 * The job contract for an app: `POST /jobs/<name>` (Cloud Scheduler) and `POST /tasks/<name>` (Cloud
 * Tasks) for every provider marked `@Job`, `GET /runs`,
 * `GET /runs/:id`, and JobRunner for job-like endpoints of the app's own (e.g. one College's import).
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
      controllers: [JobsController, TasksController, RunsController],
      providers: [
        { provide: JOBS_OPTIONS, inject: options.inject ?? [], useFactory: options.useFactory },
        JobRunRepository,
        RunLock,
        JobRunner,
        JobRegistry,
      ],
      exports: [JobRunner, JobRunRepository],
    };
  }
}
