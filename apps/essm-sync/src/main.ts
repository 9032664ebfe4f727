import 'reflect-metadata';
import { runService } from '@app/service';
import { AppModule, APP } from './app.module.js';
import { loadEssmSyncConfig } from './config.js';

runService({
  app: APP,
  description: 'TermTime activities become Booker bookings; Booker rooms and buildings go to TermTime',
  loadConfig: () => loadEssmSyncConfig(),
  module: (config) => AppModule.forRoot(config),
});
