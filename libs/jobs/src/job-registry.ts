import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { isJobName, JOB_NAME_RULE } from '@app/identifiers';
import { JOB_METADATA, type JobMetadata } from './job.decorator.js';
import type { JobHandler } from './job.types.js';

export interface RegisteredJob extends JobMetadata {
  handler: JobHandler;
}

/** Finds the providers marked `@Job(...)` once the app's modules are built. */
@Injectable()
export class JobRegistry implements OnModuleInit {
  private readonly jobs = new Map<string, RegisteredJob>();

  constructor(private readonly discovery: DiscoveryService) {}

  onModuleInit(): void {
    for (const wrapper of this.discovery.getProviders()) {
      const instance: unknown = wrapper.instance;
      const { metatype } = wrapper;
      if (!instance || !metatype) continue;
      const metadata = Reflect.getMetadata(JOB_METADATA, metatype) as JobMetadata | undefined;
      if (metadata === undefined) continue;
      if (this.jobs.has(metadata.name)) throw new Error(`Two providers declare the job ${metadata.name}`);
      if (!isJobName(metadata.name)) throw new Error(`Job name ${metadata.name} must be ${JOB_NAME_RULE}`);
      this.jobs.set(metadata.name, { ...metadata, handler: instance as JobHandler });
    }
  }

  get(name: string): RegisteredJob | undefined {
    return this.jobs.get(name);
  }

  /** Every job, by name. */
  all(): RegisteredJob[] {
    return this.names().map((name) => this.jobs.get(name) as RegisteredJob);
  }

  names(): string[] {
    return [...this.jobs.keys()].sort();
  }
}
