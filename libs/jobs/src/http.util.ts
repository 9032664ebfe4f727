import { BadRequestException } from '@nestjs/common';
import type { IncomingHttpHeaders } from 'node:http';
import type { RunResult } from './job-runner.service.js';

const ACCEPTED = 'dry_run must be 1, true, 0 or false, or given with no value (a dry run)';

/**
 * The value of `dry_run`: absent (`undefined`) is a real run; no value (`?dry_run`, `?dry_run=`),
 * `1` or `true` is a dry run; exactly `0` or `false` is a real run; anything else is a 400, so an
 * unreadable value never falls through to a real run.
 */
export function parseDryRun(value: unknown): boolean {
  if (value === undefined) return false;
  if (value === '' || value === '1' || value === 'true') return true;
  if (value === '0' || value === 'false') return false;
  if (typeof value !== 'string') throw new BadRequestException(`${ACCEPTED}, given once`);
  throw new BadRequestException(`${ACCEPTED}; got ${JSON.stringify(value.slice(0, 40))}`);
}

/** A query parameter that means dry_run in any spelling: `DRY_RUN`, `dry_run[]`, `dryRun`, `dry-run`... */
export function mentionsDryRun(key: string): boolean {
  return key
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '')
    .includes('dryrun');
}

/**
 * Whether a request asks for a dry run, read from its raw query string (`request.originalUrl`) rather
 * than from a query parser, whose spelling rules (`dry_run[]`, repeated keys, key limits) would decide
 * for us. Any mention of dry_run means a dry run unless its value is exactly `0` or `false`; a
 * parameter named `dry_run` in another case counts; a mention that is not plainly `dry_run`
 * (`dry_run[]`, `dryRun`) or more than one mention is a 400 naming the parameter.
 */
export function dryRunOf(url: string): boolean {
  const start = url.indexOf('?');
  if (start === -1) return false;
  const mentions: [key: string, value: string][] = [];
  for (const entry of new URLSearchParams(url.slice(start + 1))) {
    if (mentionsDryRun(entry[0])) mentions.push(entry);
  }
  const [first, ...others] = mentions;
  if (first === undefined) return false;
  const keys = mentions.map(([key]) => JSON.stringify(key.slice(0, 40))).join(', ');
  if (others.length > 0) {
    throw new BadRequestException(`dry_run must be given once; the query has ${mentions.length}: ${keys}`);
  }
  if (first[0].toLowerCase() !== 'dry_run') {
    throw new BadRequestException(`query parameter ${keys} is not understood; write dry_run=1 for a dry run`);
  }
  return parseDryRun(first[1]);
}

/**
 * Who may name a run's trigger: `scheduler` endpoints (`POST /jobs/<name>`) record `scheduler` when
 * Cloud Scheduler's header says so; `task` endpoints (`POST /tasks/<name>`) record Cloud Tasks' task
 * name; `http` endpoints (approvals) always record `http`. A caller's `X-CloudTasks-TaskName` is
 * trusted only on task endpoints.
 */
export type TriggerMode = 'scheduler' | 'task' | 'http';

/** Cloud Tasks task ids: letters, digits, `-` and `_`, at most 500 characters. */
const TASK_NAME = /^[A-Za-z0-9_-]{1,500}$/;

/** The run's trigger from the headers the endpoint's mode trusts. */
export function triggerOf(headers: IncomingHttpHeaders, mode: TriggerMode = 'scheduler'): string {
  switch (mode) {
    case 'task': {
      const task = headers['x-cloudtasks-taskname'];
      if (task === undefined) return 'http';
      if (typeof task !== 'string' || !TASK_NAME.test(task)) {
        throw new BadRequestException(
          'X-CloudTasks-TaskName must be one Cloud Tasks task id (letters, digits, - and _, at most 500)',
        );
      }
      return `task:${task}`;
    }
    case 'scheduler':
      return headers['x-cloudscheduler'] === 'true' ? 'scheduler' : 'http';
    case 'http':
      return 'http';
  }
}

/**
 * succeeded/refused -> 200 (a refusal is a decision, retrying will not change it); bad input -> 422;
 * a system it needs could not answer -> 503 (try again later: Cloud Tasks and Scheduler do); fault -> 500.
 */
export function httpStatusOf(result: RunResult): number {
  switch (result.record.status) {
    case 'succeeded':
    case 'refused':
    case 'running':
      return 200;
    case 'failed':
      return result.failureKind === 'invalid_input' ? 422 : result.failureKind === 'unavailable' ? 503 : 500;
  }
}
