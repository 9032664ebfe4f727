import { Logger, type Provider } from '@nestjs/common';
import { SYNC_CONFIG, type LookupGitLabSyncConfig } from '../config.js';
import { GitLabClient } from '../gitlab/gitlab.client.js';
import { LookupClient } from '../lookup/lookup.client.js';
import type { LookupAuth } from '../lookup/lookup.types.js';

export function gitLabClientFrom(config: LookupGitLabSyncConfig): GitLabClient {
  const logger = new Logger('GitLabClient');
  return new GitLabClient({
    baseUrl: config.GITLAB_URL,
    token: config.GITLAB_TOKEN,
    onRetry: (info) => logger.warn({ event: 'gitlab_retry', ...info }),
  });
}

export function lookupAuthFrom(config: LookupGitLabSyncConfig): LookupAuth {
  switch (config.LOOKUP_AUTH) {
    case 'basic':
      // Presence is checked by the config schema.
      return {
        kind: 'basic',
        username: config.LOOKUP_USERNAME ?? '',
        password: config.LOOKUP_PASSWORD ?? '',
      };
    case 'oauth2':
      return {
        kind: 'oauth2',
        tokenUrl: config.LOOKUP_TOKEN_URL ?? '',
        clientId: config.LOOKUP_CLIENT_ID ?? '',
        clientSecret: config.LOOKUP_CLIENT_SECRET ?? '',
      };
  }
}

export function lookupClientFrom(config: LookupGitLabSyncConfig): LookupClient {
  const logger = new Logger('LookupClient');
  return new LookupClient({
    baseUrl: config.LOOKUP_URL,
    auth: lookupAuthFrom(config),
    batchSize: config.LOOKUP_BATCH_SIZE,
    onRetry: (info) => logger.warn({ event: 'lookup_retry', ...info }),
  });
}

/** One client per external system for the app's lifetime (Lookup's OAuth2 token is cached in it). */
export const upstreamClientProviders: Provider[] = [
  { provide: GitLabClient, inject: [SYNC_CONFIG], useFactory: gitLabClientFrom },
  { provide: LookupClient, inject: [SYNC_CONFIG], useFactory: lookupClientFrom },
];
