import { type DynamicModule, Global, Module, type Provider } from '@nestjs/common';
import { DispatchOutboxJob } from './dispatch-outbox.job.js';
import { EmailOutbox } from './email-outbox.service.js';
import {
  NOTIFICATION_OPTIONS,
  type NotificationOptions,
  type NotificationsModuleAsyncOptions,
  resolveNotificationOptions,
} from './notifications.options.js';
import { OutboxDispatcher } from './outbox-dispatcher.service.js';
import { OutboxRepository } from './outbox.repository.js';
import { SmtpMailer } from './smtp.mailer.js';

/**
 * Email through an outbox table: `EmailOutbox` queues (inside the caller's transaction if given),
 * `OutboxDispatcher` delivers with retries. Needs `PrismaService` from the global DbModule.
 */
@Global()
@Module({})
export class NotificationsModule {
  static forRoot(options: NotificationOptions): DynamicModule {
    return NotificationsModule.build({
      provide: NOTIFICATION_OPTIONS,
      useValue: resolveNotificationOptions(options),
    });
  }

  static forRootAsync(options: NotificationsModuleAsyncOptions): DynamicModule {
    return NotificationsModule.build(
      {
        provide: NOTIFICATION_OPTIONS,
        inject: options.inject ?? [],
        useFactory: async (...args: unknown[]) =>
          resolveNotificationOptions(await options.useFactory(...args)),
      },
      options.imports ?? [],
    );
  }

  private static build(optionsProvider: Provider, imports: DynamicModule['imports'] = []): DynamicModule {
    return {
      module: NotificationsModule,
      global: true,
      imports,
      providers: [
        optionsProvider,
        OutboxRepository,
        SmtpMailer,
        EmailOutbox,
        OutboxDispatcher,
        DispatchOutboxJob,
      ],
      exports: [EmailOutbox, OutboxDispatcher],
    };
  }
}
