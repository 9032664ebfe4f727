import 'reflect-metadata';
import { runService } from '@app/service';
import { AppModule, APP } from './app.module.js';
import { loadCufsApiConfig } from './config.js';

runService({
  app: APP,
  description:
    'Answers "can this be charged?" for general ledger codes, research grant codes and purchase orders, from CUFS',
  loadConfig: () => loadCufsApiConfig(),
  module: (config) => AppModule.forRoot(config),
});
