import { Module } from '@nestjs/common';
import { RoomsSyncService } from './rooms-sync.service.js';
import { SyncedRoomRepository } from './synced-room.repository.js';
import { SyncRoomsJob } from './sync-rooms.job.js';

/** sync-rooms: Booker's buildings and rooms to TermTime. */
@Module({
  providers: [SyncedRoomRepository, RoomsSyncService, SyncRoomsJob],
  exports: [SyncRoomsJob],
})
export class RoomsModule {}
