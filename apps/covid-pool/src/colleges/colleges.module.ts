import { Module } from '@nestjs/common';
import { CollegesController } from './colleges.controller.js';
import { CollegesRepository } from './colleges.repository.js';
import { CollegesService } from './colleges.service.js';

/** The Colleges and their sheets: `/colleges` endpoints, the seed file; the import reads them. */
@Module({
  controllers: [CollegesController],
  providers: [CollegesRepository, CollegesService],
  exports: [CollegesRepository, CollegesService],
})
export class CollegesModule {}
