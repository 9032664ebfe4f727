import type { LoggerService } from '@nestjs/common';
import type { AppLogger } from './logger.js';

/** Routes Nest's own logging (and `new Logger(ctx)` in our code) to the JSON logger. */
export class NestJsonLogger implements LoggerService {
  constructor(private readonly logger: AppLogger) {}

  log(message: unknown, ...optional: unknown[]): void {
    this.write('info', message, optional);
  }
  error(message: unknown, ...optional: unknown[]): void {
    this.write('error', message, optional);
  }
  warn(message: unknown, ...optional: unknown[]): void {
    this.write('warn', message, optional);
  }
  debug(message: unknown, ...optional: unknown[]): void {
    this.write('debug', message, optional);
  }
  verbose(message: unknown, ...optional: unknown[]): void {
    this.write('trace', message, optional);
  }
  fatal(message: unknown, ...optional: unknown[]): void {
    this.write('fatal', message, optional);
  }

  private write(
    level: 'info' | 'error' | 'warn' | 'debug' | 'trace' | 'fatal',
    message: unknown,
    optional: unknown[],
  ) {
    // Nest passes the context (a class name) last; an error's stack comes before it.
    const args = [...optional];
    const context = typeof args.at(-1) === 'string' ? (args.pop() as string) : undefined;
    const fields: Record<string, unknown> = {};
    if (context !== undefined) fields.context = context;
    if (typeof args[0] === 'string' && args[0].includes('\n    at ')) fields.stack_trace = args.shift();
    if (args.length > 0) fields.details = args;
    // The logger redacts every field and survives fields it cannot write; only the spread of an
    // object message (its getters) runs here, and a failure there must not reach the caller either.
    try {
      if (message instanceof Error) {
        this.logger[level]({ ...fields, err: message }, message.message);
      } else if (typeof message === 'object' && message !== null) {
        this.logger[level]({ ...fields, ...message });
      } else {
        this.logger[level](fields, String(message));
      }
    } catch (error) {
      this.logger[level](
        { ...fields, details: undefined, logError: `message could not be read: ${String(error)}` },
        'unreadable log message',
      );
    }
  }
}
