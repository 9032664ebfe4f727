import { Controller, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal, Roles } from '@app/auth';
import { httpStatusOf, type JobRunRecord, parseDryRun, triggerOf } from '@app/jobs';
import type { Request, Response } from 'express';
import { parseCollegeId } from '../colleges/colleges.service.js';
import { ImportService } from './import.service.js';

@ApiTags('import')
@Controller('colleges')
export class ImportController {
  constructor(private readonly imports: ImportService) {}

  @Post(':collegeId/import')
  @HttpCode(200)
  @Roles('job', 'operator')
  @ApiOperation({
    summary: "Import one College's sheet now; 422 with every finding when the sheet has errors",
  })
  @ApiQuery({ name: 'dry_run', required: false, description: '1 to validate without storing or emailing' })
  async importOne(
    @Param('collegeId') collegeId: string,
    @Query('dry_run') dryRun: unknown,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
    @CurrentPrincipal() principal: Principal,
  ): Promise<JobRunRecord> {
    const result = await this.imports.importCollege(parseCollegeId(collegeId), {
      dryRun: parseDryRun(dryRun),
      trigger: triggerOf(request.headers),
      actor: principal.email ?? principal.subject,
    });
    response.status(httpStatusOf(result));
    return result.record;
  }
}
