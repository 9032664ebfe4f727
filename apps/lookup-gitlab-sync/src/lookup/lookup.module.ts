import { Logger, Module } from '@nestjs/common';
import { SYNC_CONFIG, type LookupGitLabSyncConfig } from '../config.js';
import { LookupClient } from './lookup.client.js';
import type { LookupAuth } from './lookup.types.js';

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

/** The Lookup client, one for the app's lifetime (its OAuth2 token is cached in it). */
@Module({
  providers: [{ provide: LookupClient, inject: [SYNC_CONFIG], useFactory: lookupClientFrom }],
  exports: [LookupClient],
})
export class LookupModule {}
