import { BadRequestException, Controller, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiTags } from '@app/openapi';
import { Roles } from '@app/auth';
import { ApprovalService } from './approval.service.js';
import type { RunResult } from './job-runner.service.js';
import { RunEndpoint, RunOptions } from './run-endpoint.js';

/** `POST /runs/:id/approve`: an operator approves a refused run of a job that declares itself approvable. */
@ApiTags('runs')
@Controller('runs')
export class ApprovalController {
  constructor(private readonly approvals: ApprovalService) {}

  @Post(':id/approve')
  @Roles('operator')
  @RunEndpoint({
    summary:
      'Approve a refused run of an approvable job: plan again and apply the changes both plans hold; the body is the new run',
    trigger: 'http',
    dryRun: 'See what the approval would apply',
  })
  approve(
    @Param(
      'id',
      new ParseUUIDPipe({ exceptionFactory: () => new BadRequestException('run id must be a UUID') }),
    )
    id: string,
    @RunOptions() options: RunOptions,
  ): Promise<RunResult> {
    return this.approvals.approve(id, {
      dryRun: options.dryRun,
      trigger: options.trigger,
      operator: options.actor,
    });
  }
}
