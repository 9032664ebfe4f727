import { Global, Module } from '@nestjs/common';
import { READINESS_REPORTERS, type ReadinessReporter } from '@app/service';
import { CufsModule } from '../cufs/cufs.module.js';
import { CufsClient } from '../cufs/cufs.client.js';
import type { CufsReachability } from '../cufs/cufs.types.js';
import { LookupCache } from '../cufs/lookup-cache.js';

/** How long one answer about CUFS is reused: /readyz is public and must not make us hammer CUFS. */
const REPORT_TTL_MS = 10_000;

/**
 * `/readyz` says whether CUFS answers (`cufs: ok | unreachable | refused`) without failing readiness
 * for it: an instance without CUFS still answers 503 "not checked" correctly, which is its job.
 */
export function cufsReadinessReporter(client: CufsClient, now: () => number = Date.now): ReadinessReporter {
  const cache = new LookupCache<CufsReachability>({
    positiveTtlMs: REPORT_TTL_MS,
    negativeTtlMs: REPORT_TTL_MS,
    maxEntries: 1,
    now,
  });
  return {
    name: 'cufs',
    report: async () => (await cache.get('cufs', () => client.reachability())) ?? 'unreachable',
  };
}

@Global()
@Module({
  imports: [CufsModule],
  providers: [
    {
      provide: READINESS_REPORTERS,
      inject: [CufsClient],
      useFactory: (client: CufsClient) => [cufsReadinessReporter(client)],
    },
  ],
  exports: [READINESS_REPORTERS],
})
export class CufsReadinessModule {}
