export { NotificationsModule } from './notifications.module.js';
export { EmailOutbox } from './email-outbox.service.js';
export { OutboxDispatcher, DEFAULT_DISPATCH_LIMIT } from './outbox-dispatcher.service.js';
export type { NotificationOptions, NotificationsModuleAsyncOptions } from './notifications.options.js';
export {
  InvalidEmailError,
  describeOutboxResult,
  isPlausibleEmail,
  type EmailMessage,
  type OutboxDispatchResult,
} from './outbox.util.js';
export { DispatchOutboxJob } from './dispatch-outbox.job.js';
