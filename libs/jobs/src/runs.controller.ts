import {
  BadRequestException,
  Controller,
  Get,
  NotFoundException,
  Param,
  ParseUUIDPipe,
} from '@nestjs/common';
import { ApiOperation, ApiTags } from '@app/openapi';
import { Roles } from '@app/auth';
import { isJobName } from '@app/identifiers';
import { limitQuery, ZodQuery } from '@app/validation';
import { z } from 'zod';
import { JobRunner } from './job-runner.service.js';
import { JobRunRepository } from './job-run.repository.js';
import type { JobRunRecord } from './job.types.js';

const JOB_NAME_MESSAGE = 'job must be a job name such as import-all';

const runsQuery = z.strictObject({
  job: z
    .string({ error: JOB_NAME_MESSAGE })
    .refine(isJobName, { error: JOB_NAME_MESSAGE })
    .optional()
    .meta({ description: 'only runs of this job' }),
  limit: limitQuery({ default: 20, max: 200 }),
});

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
  async list(@ZodQuery(runsQuery) query: z.output<typeof runsQuery>): Promise<JobRunRecord[]> {
    return this.runs.list(this.runner.app, query);
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
