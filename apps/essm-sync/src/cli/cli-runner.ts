import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { userInfo } from 'node:os';
import { JobRunner } from '@app/jobs';
import { createLogger, fileDescriptorDestination, NestJsonLogger } from '@app/logging';
import { AppModule, APP } from '../app.module.js';
import type { EssmSyncConfig } from '../config.js';
import { FindConflictsJob } from '../conflicts/find-conflicts.job.js';
import { SyncEventsJob } from '../events/sync-events.job.js';
import { SyncRoomsJob } from '../rooms/sync-rooms.job.js';
import type { Operation } from './cli-args.js';
import type { OperationResult } from './cli-summary.util.js';

function who(): string {
  try {
    return `cli:${userInfo().username}`;
  } catch {
    return 'cli';
  }
}

/**
 * Runs operations through the app's own Nest services (an application context: no HTTP), with the
 * same job runner as `POST /jobs/<name>`: the same lock, run records (trigger `cli`), audit and emails.
 * Stops after the first operation that does not succeed.
 */
export async function runOperations(
  config: EssmSyncConfig,
  operations: readonly Operation[],
  reallyDoThis: boolean,
): Promise<OperationResult[]> {
  const logger = createLogger({
    app: APP,
    level: config.LOG_LEVEL,
    destination: fileDescriptorDestination(2),
  });
  const app: INestApplicationContext = await NestFactory.createApplicationContext(AppModule.forRoot(config), {
    logger: new NestJsonLogger(logger),
    abortOnError: false,
  });
  try {
    const runner = app.get(JobRunner, { strict: false });
    const request = (job: Operation) => ({ job, dryRun: !reallyDoThis, trigger: 'cli', actor: who() });
    const results: OperationResult[] = [];
    for (const operation of operations) {
      let result: OperationResult;
      switch (operation) {
        case 'sync-rooms': {
          const job = app.get(SyncRoomsJob, { strict: false });
          const run = await runner.run(request(operation), (ctx) => job.run(ctx));
          result = { operation, record: run.record, ...(run.summary ? { summary: run.summary } : {}) };
          break;
        }
        case 'find-conflicts': {
          const job = app.get(FindConflictsJob, { strict: false });
          const run = await runner.run(request(operation), (ctx) => job.run(ctx));
          result = { operation, record: run.record, ...(run.summary ? { summary: run.summary } : {}) };
          break;
        }
        case 'sync-events': {
          const job = app.get(SyncEventsJob, { strict: false });
          const run = await runner.run(request(operation), (ctx) => job.run(ctx));
          result = { operation, record: run.record, ...(run.summary ? { summary: run.summary } : {}) };
          break;
        }
      }
      results.push(result);
      if (result.record.status !== 'succeeded') break;
    }
    return results;
  } finally {
    await app.close();
  }
}
