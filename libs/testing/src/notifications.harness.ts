import type { LoggerService } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { DbModule, type TestDatabase } from '@app/db';
import {
  EmailOutbox,
  type NotificationOptions,
  NotificationsModule,
  OutboxDispatcher,
} from '@app/notifications';

const ignore = (): void => undefined;
const silentLogger: LoggerService = { log: ignore, error: ignore, warn: ignore };

export interface NotificationsHarness {
  outbox: EmailOutbox;
  dispatcher: OutboxDispatcher;
  close(): Promise<void>;
}

/** The real DbModule on the test database and NotificationsModule with `options`. */
export async function createNotifications(
  db: TestDatabase,
  options: Partial<NotificationOptions> = {},
  logger: LoggerService = silentLogger,
): Promise<NotificationsHarness> {
  const moduleRef = await Test.createTestingModule({
    imports: [
      DbModule.forRootAsync({
        useFactory: () => ({
          url: db.url,
          poolSize: 4,
          connectTimeoutMs: 5000,
          embeddedDataDir: '.data/unused',
        }),
      }),
      NotificationsModule.forRoot({ app: 'test-app', from: 'noreply@example.org', ...options }),
    ],
  })
    .setLogger(logger)
    .compile();
  await moduleRef.init();
  return {
    outbox: moduleRef.get(EmailOutbox),
    dispatcher: moduleRef.get(OutboxDispatcher),
    close: () => moduleRef.close(),
  };
}

/** Records log lines as `level: message`, for specs that check what is (not) logged. */
export function recordingLogger(lines: string[]): LoggerService {
  const record =
    (level: string) =>
    (message: unknown): void => {
      lines.push(`${level}: ${String(message)}`);
    };
  return { log: record('log'), error: record('error'), warn: record('warn'), debug: record('debug') };
}
