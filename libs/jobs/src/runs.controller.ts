import {
  BadRequestException,
  Controller,
  Get,
  NotFoundException,
  Param,
  ParseUUIDPipe,
  Query,
} from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { Roles } from '@app/auth';
import { JobRunner } from './job-runner.service.js';
import { JobRunRepository } from './job-run.repository.js';
import type { JobRunRecord } from './job.types.js';

const JOB_NAME = /^[a-z][a-z0-9-]{0,62}$/;

@ApiTags('runs')
@Controller('runs')
@Roles('job', 'operator')
export class RunsController {
  constructor(
    private readonly runs: JobRunRepository,
    private readonly runner: JobRunner,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Recent runs of this app, newest first' })
  @ApiQuery({ name: 'job', required: false })
  @ApiQuery({ name: 'limit', required: false, description: '1 to 200, default 20' })
  async list(@Query('job') job?: string, @Query('limit') limit?: string): Promise<JobRunRecord[]> {
    if (job !== undefined && !JOB_NAME.test(job))
      throw new BadRequestException('job must be a job name such as import-all');
    let take = 20;
    if (limit !== undefined) {
      take = Number(limit);
      if (!Number.isInteger(take) || take < 1 || take > 200) {
        throw new BadRequestException('limit must be a whole number from 1 to 200');
      }
    }
    return this.runs.list(this.runner.app, { job, limit: take });
  }

  @Get(':id')
  @ApiOperation({ summary: 'One run with its summary' })
  async get(
    @Param(
      'id',
      new ParseUUIDPipe({ exceptionFactory: () => new BadRequestException('run id must be a UUID') }),
    )
    id: string,
  ): Promise<JobRunRecord> {
    const run = await this.runs.findById(this.runner.app, id);
    if (run === null) throw new NotFoundException(`No run ${id}`);
    return run;
  }
}
