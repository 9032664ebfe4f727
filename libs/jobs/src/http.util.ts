import { BadRequestException } from '@nestjs/common';
import type { IncomingHttpHeaders } from 'node:http';
import type { RunResult } from './job-runner.service.js';

/** `?dry_run=1|true|0|false`; absent means a real run. Anything else is a 400, not a silent real run. */
export function parseDryRun(value: unknown): boolean {
  if (value === undefined || value === '') return false;
  if (value === '1' || value === 'true') return true;
  if (value === '0' || value === 'false') return false;
  throw new BadRequestException('dry_run must be 1, true, 0 or false');
}

/** Who started the run, from the headers Cloud Scheduler and Cloud Tasks add. */
export function triggerOf(headers: IncomingHttpHeaders): string {
  const task = headers['x-cloudtasks-taskname'];
  if (typeof task === 'string' && task.length > 0) return `task:${task.slice(0, 200)}`;
  if (headers['x-cloudscheduler'] === 'true') return 'scheduler';
  return 'http';
}

/** succeeded/refused -> 200 (a refusal is a decision, retrying will not change it); bad input -> 422; fault -> 500. */
export function httpStatusOf(result: RunResult): number {
  switch (result.record.status) {
    case 'succeeded':
    case 'refused':
    case 'running':
      return 200;
    case 'failed':
      return result.failureKind === 'invalid_input' ? 422 : 500;
  }
}
