import pino, { type DestinationStream, type Logger } from 'pino';
import { requestContext } from './request-context.js';

export interface LoggerOptions {
  app: string;
  level: string;
  /** Google Cloud project, to link log lines to traces; optional. */
  projectId?: string;
  destination?: DestinationStream;
}

export type AppLogger = Logger;

/** pino levels -> Cloud Logging severities (https://cloud.google.com/logging/docs/reference/v2/rest/v2/LogEntry#logseverity). */
const SEVERITY: Record<string, string> = {
  trace: 'DEBUG',
  debug: 'DEBUG',
  info: 'INFO',
  warn: 'WARNING',
  error: 'ERROR',
  fatal: 'CRITICAL',
};

/** Header and field paths pino censors before a line is written. */
const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["private-token"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
  '*.password',
  '*.token',
  '*.accessToken',
  '*.access_token',
  '*.clientSecret',
  '*.secret',
  'password',
  'token',
];

/** JSON logs as Cloud Logging reads them: `severity`, `message`, trace and request id on each line. */
export function createLogger(options: LoggerOptions): AppLogger {
  return pino(
    {
      level: options.level,
      messageKey: 'message',
      base: { app: options.app },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      formatters: {
        level: (label) => ({ severity: SEVERITY[label] ?? 'DEFAULT', level: label }),
      },
      mixin() {
        const context = requestContext.getStore();
        if (context === undefined) return {};
        const fields: Record<string, string> = { requestId: context.requestId };
        if (context.traceId !== undefined) {
          fields['logging.googleapis.com/trace'] =
            options.projectId !== undefined
              ? `projects/${options.projectId}/traces/${context.traceId}`
              : context.traceId;
          if (context.spanId !== undefined) fields['logging.googleapis.com/spanId'] = context.spanId;
        }
        return fields;
      },
    },
    options.destination ?? pino.destination({ sync: true }),
  );
}
