import type { FactoryProvider, ModuleMetadata } from '@nestjs/common';

export interface NotificationOptions {
  /** Name of the app, stored on every outbox row. */
  app: string;
  /** `smtp://user:pass@host:587` or `smtps://...`; unset (local runs): emails stay in the outbox. */
  smtpUrl?: string;
  /** The From header, e.g. `"University Services" <noreply@example.ac.uk>`. */
  from: string;
  /** Attempts in all before a message is marked `dead` (default 8). */
  maxAttempts?: number;
  /** Delay before the second attempt; doubles with each further attempt (default 60 s). */
  baseRetryDelayMs?: number;
  /** Cap on the delay between two attempts (default 6 h). */
  maxRetryDelayMs?: number;
  /** Budget for delivering one message, connection included (default 30 s). */
  sendTimeoutMs?: number;
}

export interface ResolvedNotificationOptions {
  app: string;
  smtpUrl: string | undefined;
  from: string;
  maxAttempts: number;
  baseRetryDelayMs: number;
  maxRetryDelayMs: number;
  sendTimeoutMs: number;
}

export interface NotificationsModuleAsyncOptions {
  imports?: ModuleMetadata['imports'];
  inject?: FactoryProvider['inject'];
  useFactory: FactoryProvider<NotificationOptions | Promise<NotificationOptions>>['useFactory'];
}

export const NOTIFICATION_OPTIONS = Symbol('NOTIFICATION_OPTIONS');

/** Applies the defaults and checks the options once at boot; errors name the option, never its value. */
export function resolveNotificationOptions(options: NotificationOptions): ResolvedNotificationOptions {
  if (options.app.trim() === '') throw new Error('Notifications: option `app` must not be empty');
  if (options.from.trim() === '') throw new Error('Notifications: option `from` must not be empty');
  const smtpUrl =
    options.smtpUrl === undefined || options.smtpUrl.trim() === '' ? undefined : options.smtpUrl;
  if (smtpUrl !== undefined && !/^smtps?:\/\/[^/\s]+/.test(smtpUrl)) {
    throw new Error('Notifications: option `smtpUrl` must be an smtp:// or smtps:// URL');
  }
  const resolved: ResolvedNotificationOptions = {
    app: options.app,
    smtpUrl,
    from: options.from,
    maxAttempts: options.maxAttempts ?? 8,
    baseRetryDelayMs: options.baseRetryDelayMs ?? 60_000,
    maxRetryDelayMs: options.maxRetryDelayMs ?? 6 * 60 * 60_000,
    sendTimeoutMs: options.sendTimeoutMs ?? 30_000,
  };
  for (const name of ['maxAttempts', 'baseRetryDelayMs', 'maxRetryDelayMs', 'sendTimeoutMs'] as const) {
    if (!Number.isInteger(resolved[name]) || resolved[name] < 1) {
      throw new Error(`Notifications: option \`${name}\` must be a positive integer`);
    }
  }
  return resolved;
}
