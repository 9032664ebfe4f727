import 'reflect-metadata';
import { ConfigError } from '@app/config';
import { bootstrapService } from '@app/service';
import { AppModule, APP } from './app.module.js';
import { loadLookupGitLabSyncConfig } from './config.js';

async function main(): Promise<void> {
  const config = loadLookupGitLabSyncConfig();
  await bootstrapService(AppModule.forRoot(config), {
    app: APP,
    description:
      'Blocks GitLab users cancelled in Lookup and inactive external users, unblocks those it blocked who are no longer cancelled',
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
    `${JSON.stringify({ severity: 'CRITICAL', app: APP, message: `lookup-gitlab-sync did not start: ${message}` })}\n`,
  );
  process.exit(1);
});
