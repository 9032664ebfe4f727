export { createHttpClient, type HttpClientOptions, retryDelayMs, isRetryableStatus } from './http-client.js';
export { UpstreamError } from './upstream.error.js';
export { mapWithConcurrency } from './concurrency.js';
