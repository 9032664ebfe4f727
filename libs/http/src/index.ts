export { createHttpClient, type HttpClient, type HttpClientOptions, isAxiosError } from './http-client.js';
export {
  type AttemptContext,
  type AttemptFailure,
  AttemptTimeoutError,
  HttpPolicy,
  type HttpPolicyOptions,
  type OperationClock,
  type RunOptions,
  withAttemptTimeout,
} from './http-policy.js';
export { isRetryableStatus, retryDelayMs } from './retry.util.js';
export { UpstreamError } from './upstream.error.js';
export { createLimiter, mapWithConcurrency, type Limiter } from './concurrency.js';
export { describeIssuePath, parseResponse, UnexpectedResponseError } from './response.js';
export {
  authorizationFor,
  type AuthorizationSource,
  basicAuthorization,
  type ClientAuth,
  ClientCredentialsTokens,
  type ClientCredentialsOptions,
  oauthTokenResponseSchema,
} from './client-credentials.js';
