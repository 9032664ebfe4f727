import { Module } from '@nestjs/common';
import { TimetableModule } from '../timetable/timetable.module.js';
import { ConflictReportRepository } from './conflict-report.repository.js';
import { ConflictsController } from './conflicts.controller.js';
import { ConflictsService } from './conflicts.service.js';
import { FindConflictsJob } from './find-conflicts.job.js';

/** The pre-flight: find-conflicts and GET /conflicts; its service serves sync-events too. */
@Module({
  imports: [TimetableModule],
  controllers: [ConflictsController],
  providers: [ConflictReportRepository, ConflictsService, FindConflictsJob],
  exports: [ConflictsService, FindConflictsJob],
})
export class ConflictsModule {}
