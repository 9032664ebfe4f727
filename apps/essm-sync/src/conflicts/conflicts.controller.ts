import { Controller, Get, NotFoundException } from '@nestjs/common';
import { Roles } from '@app/auth';
import { ApiOperation, ApiTags } from '@app/openapi';
import { ConflictReportRepository, type StoredConflictReport } from './conflict-report.repository.js';

/** `GET /conflicts`: the latest pre-flight report (find-conflicts, or the one before sync-events). */
@ApiTags('conflicts')
@Controller('conflicts')
@Roles('job', 'operator')
export class ConflictsController {
  constructor(private readonly repository: ConflictReportRepository) {}

  @Get()
  @ApiOperation({
    summary: 'The latest pre-flight report: overlaps in TermTime and with Booker bookings not ours',
  })
  async latest(): Promise<StoredConflictReport> {
    const report = await this.repository.latestConflictReport();
    if (report === null) throw new NotFoundException('No pre-flight report yet: run find-conflicts');
    return report;
  }
}
