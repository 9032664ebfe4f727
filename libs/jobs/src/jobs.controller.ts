import { Controller, HttpCode, NotFoundException, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal } from '@app/auth';
import type { Request, Response } from 'express';
import { parseDryRun, triggerOf, httpStatusOf } from './http.util.js';
import { JobRegistry } from './job-registry.js';
import { JobRunner } from './job-runner.service.js';
import type { JobRunRecord } from './job.types.js';

@ApiTags('jobs')
@Controller('jobs')
export class JobsController {
  constructor(
    private readonly registry: JobRegistry,
    private readonly runner: JobRunner,
  ) {}

  @Post(':name')
  @HttpCode(200)
  @ApiOperation({ summary: 'Run a job now (Cloud Scheduler calls this); the body is the run record' })
  @ApiQuery({
    name: 'dry_run',
    required: false,
    description: '1 to plan and check without changing anything',
  })
  async run(
    @Param('name') name: string,
    @Query('dry_run') dryRun: unknown,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
    @CurrentPrincipal() principal: Principal,
  ): Promise<JobRunRecord> {
    const job = this.registry.get(name);
    if (job === undefined) {
      throw new NotFoundException(
        `No job named '${name.slice(0, 60)}'; jobs: ${this.registry.names().join(', ')}`,
      );
    }
    const result = await this.runner.run(
      {
        job: name,
        dryRun: parseDryRun(dryRun),
        trigger: triggerOf(request.headers),
        actor: principal.email ?? principal.subject,
      },
      (ctx) => job.handler.run(ctx),
    );
    response.status(httpStatusOf(result));
    return result.record;
  }
}
