import { Global, Module } from '@nestjs/common';
import { BookerClient } from '../booker/booker.client.js';
import { ESSM_CONFIG, type EssmSyncConfig } from '../config.js';
import { TermTimeClient } from '../termtime/termtime.client.js';

/** One TermTime client and one Booker client for the app, built from its settings. */
@Global()
@Module({
  providers: [
    {
      provide: TermTimeClient,
      inject: [ESSM_CONFIG],
      useFactory: (config: EssmSyncConfig) =>
        new TermTimeClient({
          baseUrl: config.TERMTIME_URL,
          apiKey: config.TERMTIME_API_KEY,
          timeoutMs: config.TERMTIME_TIMEOUT_MS,
        }),
    },
    {
      provide: BookerClient,
      inject: [ESSM_CONFIG],
      useFactory: (config: EssmSyncConfig) =>
        new BookerClient({
          baseUrl: config.BOOKER_URL,
          username: config.BOOKER_USERNAME,
          password: config.BOOKER_PASSWORD,
          pageSize: config.BOOKER_PAGE_SIZE,
          timeoutMs: config.BOOKER_TIMEOUT_MS,
        }),
    },
  ],
  exports: [TermTimeClient, BookerClient],
})
export class ClientsModule {}
