import { BadRequestException, Body, Controller, NotFoundException, Param, Post } from '@nestjs/common';
import { ApiTags } from '@app/openapi';
import { problemsOf } from '@app/validation';
import { JobRegistry } from './job-registry.js';
import { JobRunRepository } from './job-run.repository.js';
import { JobRunner, type RunResult } from './job-runner.service.js';
import { RunEndpoint, RunOptions } from './run-endpoint.js';

/** Runs a registered job by name; shared by the scheduler's and Cloud Tasks' endpoints. */
async function runJob(
  registry: JobRegistry,
  runner: JobRunner,
  name: string,
  options: RunOptions,
  body: unknown,
): Promise<RunResult> {
  const job = registry.get(name);
  if (job === undefined) {
    throw new NotFoundException(`No job named '${name.slice(0, 60)}'; jobs: ${registry.names().join(', ')}`);
  }
  const forced =
    job.forceDryRunNotApplied === undefined ? {} : { forceDryRunNotApplied: job.forceDryRunNotApplied };
  if (job.input === undefined) {
    return runner.run({ job: name, ...options, ...forced }, (ctx) => job.handler.run(ctx));
  }
  const parsed = job.input.safeParse(body ?? {});
  if (!parsed.success) {
    const problems = problemsOf(parsed.error, 'body');
    throw new BadRequestException({
      statusCode: 400,
      error: 'Bad Request',
      message: `The body of job ${name} is not valid: ${problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`,
      problems,
    });
  }
  const input: unknown = parsed.data;
  const scope = job.scopeOf?.(input);
  return runner.run(
    { job: name, ...options, ...forced, input, ...(scope === undefined ? {} : { scope }) },
    (ctx) => job.handler.run(ctx),
  );
}

@ApiTags('jobs')
@Controller('jobs')
export class JobsController {
  constructor(
    private readonly registry: JobRegistry,
    private readonly runner: JobRunner,
  ) {}

  @Post(':name')
  @RunEndpoint({
    summary: 'Run a job now (Cloud Scheduler calls this); the body is the run record',
    trigger: 'scheduler',
  })
  run(
    @Param('name') name: string,
    @RunOptions() options: RunOptions,
    @Body() body: unknown,
  ): Promise<RunResult> {
    return runJob(this.registry, this.runner, name, options, body);
  }
}

/**
 * `POST /tasks/<name>`: the same jobs for Cloud Tasks, which names each delivery in
 * `X-CloudTasks-TaskName`; the run's trigger is `task:<that name>`. Only here is that header trusted.
 * Cloud Tasks delivers at least once: a task delivered again after a real run of it succeeded is
 * answered with that run's record and runs nothing (a failed or dry run does not count). Handlers
 * still act only on the state they expect: a redelivery racing the first run's end may run again.
 */
@ApiTags('jobs')
@Controller('tasks')
export class TasksController {
  constructor(
    private readonly registry: JobRegistry,
    private readonly runner: JobRunner,
    private readonly runs: JobRunRepository,
  ) {}

  @Post(':name')
  @RunEndpoint({
    summary: 'Run a job for Cloud Tasks; the trigger is the task name; the body is the run record',
    trigger: 'task',
  })
  async run(
    @Param('name') name: string,
    @RunOptions() options: RunOptions,
    @Body() body: unknown,
  ): Promise<RunResult> {
    if (options.trigger.startsWith('task:') && !options.dryRun) {
      const done = await this.runs.findSucceededTask(this.runner.app, name, options.trigger);
      if (done !== null) return { record: done };
    }
    return runJob(this.registry, this.runner, name, options, body);
  }
}
