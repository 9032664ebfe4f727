import { Controller, Param, Post } from '@nestjs/common';
import { ApiTags } from '@app/openapi';
import { Roles } from '@app/auth';
import { RunEndpoint, RunOptions, type RunResult } from '@app/jobs';
import { parseCollegeId } from '../colleges/colleges.service.js';
import { ImportService } from './import.service.js';

@ApiTags('import')
@Controller('colleges')
export class ImportController {
  constructor(private readonly imports: ImportService) {}

  @Post(':collegeId/import')
  @Roles('job', 'operator')
  @RunEndpoint({
    summary: "Import one College's sheet now; 422 with every finding when the sheet has errors",
    trigger: 'scheduler',
    dryRun: 'Validate and compare without storing or emailing',
  })
  importOne(@Param('collegeId') collegeId: string, @RunOptions() options: RunOptions): Promise<RunResult> {
    return this.imports.importCollege(parseCollegeId(collegeId), options);
  }
}
