import 'reflect-metadata';
import { runService } from '@app/service';
import { AppModule, APP } from './app.module.js';
import { loadLookupGitLabSyncConfig } from './config.js';

runService({
  app: APP,
  description:
    'Blocks GitLab users cancelled in Lookup and inactive external users, unblocks those it blocked who are no longer cancelled',
  loadConfig: () => loadLookupGitLabSyncConfig(),
  module: (config) => AppModule.forRoot(config),
});
