export {
  createLogger,
  fileDescriptorDestination,
  type AppLogger,
  type LogDestination,
  type LoggerOptions,
  type LogLevel,
  type LogMethod,
} from './logger.js';
export { NestJsonLogger } from './nest-logger.js';
export {
  requestContext,
  requestContextMiddleware,
  parseTraceHeader,
  type RequestContext,
} from './request-context.js';
export { redactSecrets, redactUrlCredentials, REDACTED } from './redact.js';
