import { Logger, Module } from '@nestjs/common';
import { CUFS_API_CONFIG, type CufsApiConfig } from '../config.js';
import { CachedCufsReader } from './cached-cufs.reader.js';
import { CufsClient } from './cufs.client.js';
import type { CufsAuth } from './cufs.types.js';

/** The cached CUFS reads (a `CufsReader`) the checks use. */
export const CUFS_READER = Symbol('CUFS_READER');

export function cufsAuthFrom(config: CufsApiConfig): CufsAuth {
  switch (config.CUFS_AUTH) {
    case 'basic':
      // Presence is checked by the config schema.
      return { kind: 'basic', username: config.CUFS_USERNAME ?? '', password: config.CUFS_PASSWORD ?? '' };
    case 'oauth2':
      return {
        kind: 'oauth2',
        clientId: config.CUFS_CLIENT_ID ?? '',
        clientSecret: config.CUFS_CLIENT_SECRET ?? '',
      };
  }
}

export function cufsClientFrom(config: CufsApiConfig): CufsClient {
  const logger = new Logger('CufsClient');
  return new CufsClient({
    baseUrl: config.CUFS_URL,
    auth: cufsAuthFrom(config),
    timeoutMs: config.CUFS_TIMEOUT_MS,
    onRetry: (info) => logger.warn({ event: 'cufs_retry', ...info }),
  });
}

export function cachedReaderFrom(config: CufsApiConfig, client: CufsClient): CachedCufsReader {
  return new CachedCufsReader(client, {
    positiveTtlMs: config.CUFS_CACHE_TTL * 1000,
    negativeTtlMs: config.CUFS_NEGATIVE_CACHE_TTL * 1000,
    maxEntries: config.CUFS_CACHE_MAX_ENTRIES,
  });
}

/** The CUFS client and the cache in front of it, one each for the app's lifetime (tokens and cache live in them). */
@Module({
  providers: [
    { provide: CufsClient, inject: [CUFS_API_CONFIG], useFactory: cufsClientFrom },
    { provide: CUFS_READER, inject: [CUFS_API_CONFIG, CufsClient], useFactory: cachedReaderFrom },
  ],
  exports: [CufsClient, CUFS_READER],
})
export class CufsModule {}
