import { Module } from '@nestjs/common';
import { ConflictsModule } from '../conflicts/conflicts.module.js';
import { TimetableModule } from '../timetable/timetable.module.js';
import { BookingApplier } from './booking-applier.service.js';
import { EventsSyncService } from './events-sync.service.js';
import { SyncEventsJob } from './sync-events.job.js';

/** sync-events: TermTime events to Booker bookings, after the pre-flight (timetable <- conflicts <- events). */
@Module({
  imports: [TimetableModule, ConflictsModule],
  providers: [BookingApplier, EventsSyncService, SyncEventsJob],
  exports: [SyncEventsJob],
})
export class EventsModule {}
