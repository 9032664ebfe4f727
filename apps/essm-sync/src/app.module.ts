import { type DynamicModule, Module } from '@nestjs/common';
import { AppConfigModule } from '@app/config';
import { PlatformModule } from '@app/service';
import { ClientsModule } from './clients/clients.module.js';
import { ESSM_CONFIG, type EssmSyncConfig } from './config.js';
import { ConflictsModule } from './conflicts/conflicts.module.js';
import { EventsModule } from './events/events.module.js';
import { RoomsModule } from './rooms/rooms.module.js';

export const APP = 'essm-sync';

/**
 * The TermTime <-> Booker sync; `config` is the validated environment (tests and the CLI pass their
 * own). Features: clients (TermTime, Booker); rooms; timetable <- conflicts <- events.
 */
@Module({})
export class AppModule {
  static forRoot(config: EssmSyncConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        PlatformModule.forRoot(APP, config),
        AppConfigModule.forRoot(ESSM_CONFIG, config),
        ClientsModule,
        RoomsModule,
        ConflictsModule,
        EventsModule,
      ],
    };
  }
}
