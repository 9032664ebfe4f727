import { Logger, Module } from '@nestjs/common';
import { SYNC_CONFIG, type LookupGitLabSyncConfig } from '../config.js';
import { GitLabClient } from './gitlab.client.js';

export function gitLabClientFrom(config: LookupGitLabSyncConfig): GitLabClient {
  const logger = new Logger('GitLabClient');
  return new GitLabClient({
    baseUrl: config.GITLAB_URL,
    token: config.GITLAB_TOKEN,
    onRetry: (info) => logger.warn({ event: 'gitlab_retry', ...info }),
  });
}

/** The GitLab client, one for the app's lifetime. */
@Module({
  providers: [{ provide: GitLabClient, inject: [SYNC_CONFIG], useFactory: gitLabClientFrom }],
  exports: [GitLabClient],
})
export class GitLabModule {}
