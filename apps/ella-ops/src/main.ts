import 'reflect-metadata';
import { runService } from '@app/service';
import { AppModule, APP } from './app.module.js';
import { loadEllaOpsConfig } from './config.js';

runService({
  app: APP,
  description: 'One operations gateway for every ELLA instance: processes, broadcasts, UI exceptions, health',
  loadConfig: () => loadEllaOpsConfig(),
  module: (config) => AppModule.forRoot(config),
});
