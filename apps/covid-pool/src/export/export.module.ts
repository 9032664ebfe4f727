import { Module } from '@nestjs/common';
import { ExportController } from './export.controller.js';
import { ExportRepository } from './export.repository.js';
import { ExportService } from './export.service.js';

/** The pools as the screening system pulls them (`GET /export`). */
@Module({
  controllers: [ExportController],
  providers: [ExportRepository, ExportService],
})
export class ExportModule {}
