import 'reflect-metadata';
import { runService } from '@app/service';
import { AppModule, APP } from './app.module.js';
import { loadCovidPoolConfig } from './config.js';

runService({
  app: APP,
  description: 'Imports College pool sheets, validates and stores them, emails problems, exports the pools',
  loadConfig: () => loadCovidPoolConfig(),
  module: (config) => AppModule.forRoot(config),
});
