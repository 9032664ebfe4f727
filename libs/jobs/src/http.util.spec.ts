import { describe, expect, it } from '@jest/globals';
import { BadRequestException } from '@nestjs/common';
import { dryRunOf, parseDryRun, triggerOf } from './http.util.js';

function refusal(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof BadRequestException) return error.message;
    throw error;
  }
  throw new Error('expected a 400');
}

describe('dryRunOf (the raw URL of a run endpoint)', () => {
  it.each([
    ['/jobs/x', false],
    ['/jobs/x?', false],
    ['/jobs/x?other=1', false],
    ['/jobs/x?dry_run=0', false],
    ['/jobs/x?dry_run=false', false],
    ['/jobs/x?DRY_RUN=0', false],
    ['/jobs/x?dry_run', true],
    ['/jobs/x?dry_run=', true],
    ['/jobs/x?dry_run=1', true],
    ['/jobs/x?dry_run=true', true],
    ['/jobs/x?DRY_RUN=1', true],
    ['/jobs/x?Dry_Run', true],
    ['/jobs/x?dry%5Frun=1', true],
    ['/jobs/x?other=1&dry_run', true],
    [`/jobs/x?${'a=1&'.repeat(1500)}dry_run=1`, true],
  ])('%s -> dry run %s', (url, expected) => {
    expect(dryRunOf(url)).toBe(expected);
  });

  it.each([
    ['/jobs/x?dry_run=maybe', /^dry_run must be 1, true, 0 or false.*got "maybe"$/],
    ['/jobs/x?dry_run=%00', /^dry_run must be 1, true, 0 or false.*got "\\u0000"$/],
    ['/jobs/x?dry_run=FALSE', /got "FALSE"/],
    ['/jobs/x?dry_run=no', /got "no"/],
    ['/jobs/x?dry_run=+0', /got " 0"/],
    ['/jobs/x?dry_run=%E0%A4%A', /dry_run must be/],
    ['/jobs/x?dry_run[]=1', /"dry_run\[\]" is not understood; write dry_run=1/],
    ['/jobs/x?dry_run[a]=0', /"dry_run\[a\]" is not understood/],
    ['/jobs/x?dryRun=1', /"dryRun" is not understood/],
    ['/jobs/x?dry-run=0', /"dry-run" is not understood/],
    ['/jobs/x?dry_run=1&dry_run=0', /^dry_run must be given once; the query has 2: "dry_run", "dry_run"$/],
    ['/jobs/x?dry_run=0&DRY_RUN=0', /given once/],
    ['/jobs/x?dry_run=1&dry_run=1', /given once/],
  ])('%s -> 400 %s', (url, message) => {
    expect(refusal(() => dryRunOf(url))).toMatch(message);
  });
});

describe('parseDryRun (one value)', () => {
  it.each([
    [undefined, false],
    ['0', false],
    ['false', false],
    ['', true],
    ['1', true],
    ['true', true],
  ])('%j -> %s', (value, expected) => {
    expect(parseDryRun(value)).toBe(expected);
  });

  it.each([['yes'], ['TRUE'], [['1']], [{ a: '1' }], [1]])('%j -> 400', (value) => {
    expect(refusal(() => parseDryRun(value))).toMatch(/^dry_run must be 1, true, 0 or false/);
  });
});

describe('triggerOf', () => {
  const task = { 'x-cloudtasks-taskname': 'import-2026-11-26_a1' };
  const scheduler = { 'x-cloudscheduler': 'true' };
  it.each([
    ['scheduler', {}, 'http'],
    ['scheduler', scheduler, 'scheduler'],
    ['scheduler', task, 'http'],
    ['task', task, 'task:import-2026-11-26_a1'],
    ['task', {}, 'http'],
    ['task', scheduler, 'http'],
    ['http', task, 'http'],
    ['http', scheduler, 'http'],
  ] as const)('%s endpoint with %j -> %s', (mode, headers, expected) => {
    expect(triggerOf(headers, mode)).toBe(expected);
  });

  it.each([[''], ['a b'], ['x'.repeat(501)], ['task\u0000'], [['a', 'b']]])(
    'a task endpoint refuses X-CloudTasks-TaskName %j',
    (name) => {
      expect(refusal(() => triggerOf({ 'x-cloudtasks-taskname': name }, 'task'))).toMatch(
        /X-CloudTasks-TaskName must be one Cloud Tasks task id/,
      );
    },
  );
});
