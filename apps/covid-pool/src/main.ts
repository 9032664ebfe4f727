import 'reflect-metadata';
import { ConfigError } from '@app/config';
import { bootstrapService } from '@app/service';
import { AppModule, APP } from './app.module.js';
import { loadCovidPoolConfig } from './config.js';

async function main(): Promise<void> {
  const config = loadCovidPoolConfig();
  await bootstrapService(AppModule.forRoot(config), {
    app: APP,
    description: 'Imports College pool sheets, validates and stores them, emails problems, exports the pools',
    port: config.PORT,
    logLevel: config.LOG_LEVEL,
    projectId: config.GOOGLE_CLOUD_PROJECT,
  });
}

main().catch((error: unknown) => {
  const message =
    error instanceof ConfigError
      ? error.message
      : error instanceof Error
        ? (error.stack ?? error.message)
        : String(error);
  process.stderr.write(
    `${JSON.stringify({ severity: 'CRITICAL', app: APP, message: `covid-pool did not start: ${message}` })}\n`,
  );
  process.exit(1);
});
