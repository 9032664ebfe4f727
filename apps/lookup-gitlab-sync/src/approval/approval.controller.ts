import {
  BadRequestException,
  Controller,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@app/openapi';
import { CurrentPrincipal, type Principal, Roles } from '@app/auth';
import { httpStatusOf, type JobRunRecord, parseDryRun, triggerOf } from '@app/jobs';
import type { Request, Response } from 'express';
import { ApprovalService } from './approval.service.js';

@ApiTags('runs')
@Controller('runs')
export class ApprovalController {
  constructor(private readonly approvals: ApprovalService) {}

  @Post(':id/approve')
  @HttpCode(200)
  @Roles('operator')
  @ApiOperation({
    summary:
      'Approve a refused sync run: read GitLab and Lookup again and apply the changes both plans hold; the body is the new run',
  })
  @ApiQuery({ name: 'dry_run', required: false, description: '1 to see what the approval would apply' })
  async approve(
    @Param(
      'id',
      new ParseUUIDPipe({ exceptionFactory: () => new BadRequestException('run id must be a UUID') }),
    )
    id: string,
    @Query('dry_run') dryRun: unknown,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
    @CurrentPrincipal() principal: Principal,
  ): Promise<JobRunRecord> {
    const result = await this.approvals.approve(id, {
      dryRun: parseDryRun(dryRun),
      trigger: triggerOf(request.headers),
      operator: principal.email ?? principal.subject,
    });
    response.status(httpStatusOf(result));
    return result.record;
  }
}
