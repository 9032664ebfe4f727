import 'reflect-metadata';
import { runService } from '@app/service';
import { AppModule, APP } from './app.module.js';
import { loadStorageGatewayConfig } from './config.js';

runService({
  app: APP,
  description:
    'Research storage: products, quotes, orders paid by finance code, grant, purchase order or voucher, accounts, renewals',
  loadConfig: () => loadStorageGatewayConfig(),
  module: (config) => AppModule.forRoot(config),
});
