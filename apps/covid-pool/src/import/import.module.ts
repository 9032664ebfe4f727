import { Module } from '@nestjs/common';
import { CollegesModule } from '../colleges/colleges.module.js';
import { SheetModule } from '../sheet/sheet.module.js';
import { ImportAllJob } from './import-all.job.js';
import { ImportController } from './import.controller.js';
import { ImportNotifier } from './import-notifier.service.js';
import { ImportService } from './import.service.js';
import { PoolsRepository } from './pools.repository.js';

/** Importing College sheets: one College (`POST /colleges/:id/import`) or all (job `import-all`). */
@Module({
  imports: [CollegesModule, SheetModule],
  controllers: [ImportController],
  providers: [PoolsRepository, ImportNotifier, ImportService, ImportAllJob],
})
export class ImportModule {}
