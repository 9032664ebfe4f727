export { createLogger, type LoggerOptions, type AppLogger } from './logger.js';
export { NestPinoLogger } from './nest-logger.js';
export {
  requestContext,
  requestContextMiddleware,
  parseTraceHeader,
  type RequestContext,
} from './request-context.js';
export { redactSecrets, redactUrlCredentials, REDACTED } from './redact.js';
