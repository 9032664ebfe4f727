import { writeSync } from 'node:fs';
import { isSecretKey, REDACTED, redactSecrets, redactUrlCredentials } from './redact.js';
import { requestContext } from './request-context.js';

/** Where log lines go: one JSON object and a newline per write. */
export interface LogDestination {
  write(line: string): unknown;
}

export interface LoggerOptions {
  app: string;
  /** The least severe level written (`trace` … `fatal`), or `silent` for none. */
  level: string;
  /** Google Cloud project, to link log lines to traces; optional. */
  projectId?: string;
  /** Default: standard output, written synchronously (`fileDescriptorDestination(1)`). */
  destination?: LogDestination;
}

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';

/** A message, or fields with an optional message; an Error alone is logged as `err` with its message. */
export interface LogMethod {
  (message: string): void;
  (fields: object, message?: string): void;
}

export type AppLogger = Record<LogLevel, LogMethod>;

/** Levels in rising severity; a logger writes its own level and those after it. */
const LEVELS: readonly LogLevel[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];

/** Log levels -> Cloud Logging severities (https://cloud.google.com/logging/docs/reference/v2/rest/v2/LogEntry#logseverity). */
const SEVERITY: Record<LogLevel, string> = {
  trace: 'DEBUG',
  debug: 'DEBUG',
  info: 'INFO',
  warn: 'WARNING',
  error: 'ERROR',
  fatal: 'CRITICAL',
};

/** Fields every line has: a caller's field of the same name is written as `field_<name>` instead. */
const RESERVED = new Set(['severity', 'level', 'time', 'app', 'message']);

/** The request id and Cloud Logging's trace fields of the request being served, if any. */
function contextFields(projectId: string | undefined): Record<string, string> {
  const context = requestContext.getStore();
  if (context === undefined) return {};
  const fields: Record<string, string> = { requestId: context.requestId };
  if (context.traceId !== undefined) {
    fields['logging.googleapis.com/trace'] =
      projectId !== undefined ? `projects/${projectId}/traces/${context.traceId}` : context.traceId;
    if (context.spanId !== undefined) fields['logging.googleapis.com/spanId'] = context.spanId;
  }
  return fields;
}

/** How long a write waits, in all, for a full pipe to drain before the line is given up. */
const FULL_PIPE_PATIENCE_MS = 5000;
const pause = new Int32Array(new SharedArrayBuffer(4));

/**
 * Writes each line whole and at once to a file descriptor, so that no line is lost when the process
 * exits right after logging (a failed boot, Cloud Run's SIGTERM): `process.stdout` on a pipe queues
 * what the pipe cannot take yet, and `process.exit` drops the queue. A full non-blocking pipe
 * (EAGAIN) is waited on, 1 ms at a time, for up to 5 s; a closed one (EPIPE) loses the line rather
 * than throwing into the code that logged.
 */
export function fileDescriptorDestination(fd: number): LogDestination {
  return {
    write(line: string) {
      const buffer = Buffer.from(line);
      let offset = 0;
      let waited = 0;
      while (offset < buffer.length) {
        try {
          offset += writeSync(fd, buffer, offset);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'EAGAIN' || waited >= FULL_PIPE_PATIENCE_MS) return;
          Atomics.wait(pause, 0, 0, 1);
          waited += 1;
        }
      }
    },
  };
}

/** JSON.stringify that writes BigInts as strings instead of throwing. */
function toJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
}

/**
 * JSON logs as Cloud Logging reads them, one line per entry: `severity` (and our `level`), `time`,
 * `app`, the request id and trace inside a request, the caller's fields and `message`. Fields pass
 * through `redactSecrets` (secret-looking keys at any depth, credentials in URLs, errors with their
 * message, stack, code, own fields and cause), so no caller can log a token or password by accident;
 * the message loses credentials in URLs too.
 *
 * Our own rather than pino: the apps write each line synchronously to stdout (Cloud Run collects it)
 * and used none of pino's transports or child loggers; pino's dozen packages were 10-15 ms of every
 * cold start (measured with `npm run bench -- boot`).
 */
export function createLogger(options: LoggerOptions): AppLogger {
  const destination = options.destination ?? fileDescriptorDestination(1);
  const threshold = options.level === 'silent' ? LEVELS.length : LEVELS.indexOf(options.level as LogLevel);
  if (threshold < 0)
    throw new Error(`Unknown log level "${options.level}" (one of ${LEVELS.join(', ')}, silent)`);
  const write = (level: LogLevel, first: object | string, message?: string) => {
    const base: Record<string, unknown> = {
      severity: SEVERITY[level],
      level,
      time: new Date().toISOString(),
      app: options.app,
      ...contextFields(options.projectId),
    };
    const entry: Record<string, unknown> = { ...base };
    let text = message;
    let line: string;
    try {
      if (typeof first === 'string') {
        text = first;
      } else if (first instanceof Error) {
        entry['err'] = redactSecrets(first);
        text ??= (entry['err'] as { message: string }).message;
      } else {
        // Field by field, so that one whose getter or toJSON throws costs only itself.
        const unreadable: string[] = [];
        for (const key of Object.keys(first)) {
          let value: unknown;
          try {
            value = isSecretKey(key) ? REDACTED : redactSecrets((first as Record<string, unknown>)[key]);
          } catch (error) {
            unreadable.push(`${key} (${error instanceof Error ? error.message : String(error)})`);
            continue;
          }
          // `{ message }` alone is the line's message, as Nest's own objects carry it.
          if (key === 'message' && text === undefined && typeof value === 'string') text = value;
          else entry[RESERVED.has(key) ? `field_${key}` : key] = value;
        }
        if (unreadable.length > 0)
          entry['logError'] = `fields could not be written: ${unreadable.join(', ')}`;
      }
      if (text !== undefined) entry['message'] = redactUrlCredentials(String(text));
      line = toJson(entry);
    } catch (error) {
      // A field whose toJSON or getter throws: the line still says what happened, without the fields.
      line = toJson({
        ...base,
        message: text === undefined ? '' : redactUrlCredentials(String(text)),
        logError: `fields could not be written: ${error instanceof Error ? error.message : String(error)}`,
      });
    }
    destination.write(`${line}\n`);
  };
  const noop: LogMethod = () => undefined;
  const logger = {} as AppLogger;
  LEVELS.forEach((level, index) => {
    logger[level] =
      index < threshold ? noop : (first: object | string, message?: string) => write(level, first, message);
  });
  return logger;
}
