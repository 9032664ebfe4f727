import { Readable } from 'node:stream';
import type { AxiosError, AxiosInstance } from 'axios';
import { HttpPolicy, type HttpPolicyOptions, type OperationClock } from './http-policy.js';

export interface HttpClientOptions extends HttpPolicyOptions {
  baseURL: string;
  headers?: Record<string, string>;
  /**
   * The `Authorization` header of each attempt, asked for again on every attempt (a retry after a
   * token expired carries a fresh one): for calls between our services, libs/google's `bearerFor`
   * gives a Google-signed ID token in the cloud and the callee's static token locally.
   */
  authorization?: () => Promise<string>;
  /**
   * The policy to use (its timeouts, retries and call counter); by default one is made from these
   * options. A client that wants its requests counted reads `policy.calls`.
   */
  policy?: HttpPolicy;
  /** Called before each retry; for logging (never log bodies or secrets). */
  onRetry?: (info: {
    attempt: number;
    delayMs: number;
    status?: number;
    method: string;
    url: string;
  }) => void;
}

const IDEMPOTENT = new Set(['get', 'head', 'options', 'put', 'delete']);

/** The requests of an axios instance: what the clients of external systems call. */
export type HttpClient = Pick<
  AxiosInstance,
  'request' | 'get' | 'delete' | 'head' | 'options' | 'post' | 'put' | 'patch'
>;

const METHODS = ['request', 'get', 'delete', 'head', 'options', 'post', 'put', 'patch'] as const;

let axiosPackage: Promise<typeof import('axios')> | undefined;

/**
 * axios (about 9 MB with form-data, follow-redirects and the proxy agents) is imported on the first
 * request of any client, not when a module that makes clients is loaded: an app boots without it.
 */
function loadAxios(): Promise<typeof import('axios')> {
  axiosPackage ??= import('axios').catch((error: unknown) => {
    axiosPackage = undefined;
    throw error;
  });
  return axiosPackage;
}

/** `axios.isAxiosError` without loading axios: whether a request of an `HttpClient` failed with this. */
export function isAxiosError<T = unknown, D = unknown>(error: unknown): error is AxiosError<T, D> {
  return (
    typeof error === 'object' && error !== null && (error as { isAxiosError?: unknown }).isAxiosError === true
  );
}

/**
 * An axios instance run by an `HttpPolicy`: every request counted and given the policy's timeout
 * (cut to what is left of its deadline); network errors, timeouts, 429 and 5xx retried with
 * backoff that honours `Retry-After`. Non-idempotent requests (POST, PATCH) are retried only on 429
 * (the server said it did not process the request) or when the caller marks them safe with
 * `retryUnsafe: true`. Each request with its retries is one operation under one deadline. The
 * instance is made on the first request (see `loadAxios`).
 */
export function createHttpClient(options: HttpClientOptions): HttpClient {
  const policy = options.policy ?? new HttpPolicy(options);
  let instance: Promise<AxiosInstance> | undefined;
  const client = () => {
    instance ??= loadAxios().then((axios) => axiosInstance(axios, policy, options));
    return instance;
  };
  const forward =
    (method: (typeof METHODS)[number]) =>
    async (...args: unknown[]): Promise<unknown> => {
      const target = await client();
      return (target[method] as (...methodArgs: unknown[]) => Promise<unknown>)(...args);
    };
  return Object.fromEntries(METHODS.map((method) => [method, forward(method)])) as unknown as HttpClient;
}

function axiosInstance(
  { default: axios, AxiosError }: typeof import('axios'),
  policy: HttpPolicy,
  options: HttpClientOptions,
): AxiosInstance {
  const client = axios.create({
    baseURL: options.baseURL,
    timeout: policy.timeoutMs,
    headers: options.headers,
  });
  client.interceptors.request.use(async (config) => {
    if (options.authorization !== undefined)
      config.headers.set('Authorization', await options.authorization());
    config.operation ??= policy.startOperation();
    const attemptMs = policy.attemptTimeoutMs(config.operation);
    config.timeout = attemptMs;
    // axios's own timeout covers only the connection and then idle gaps: a server that trickles its
    // body would hold the attempt for ever. This signal ends the attempt at its time, body included.
    if (config.attempt === undefined) config.callerSignal = config.signal as AbortSignal | undefined;
    config.attemptTimer = AbortSignal.timeout(attemptMs);
    config.signal =
      config.callerSignal === undefined
        ? config.attemptTimer
        : AbortSignal.any([config.callerSignal, config.attemptTimer]);
    policy.countCall();
    if (config.decodeAsReceived === true) config.responseType = 'stream';
    return config;
  });
  // Registered before the retries below, which so see a failure to read the body as they would
  // axios's own (the same errors: see bodyAsReceived).
  client.interceptors.response.use(
    async (response) => {
      if (response.config.decodeAsReceived !== true || !isReadable(response.data)) return response;
      try {
        response.data = await bodyAsReceived(response.data);
      } catch (error) {
        throw error instanceof AxiosError
          ? error
          : AxiosError.from(error, undefined, response.config, response.request, response);
      }
      return response;
    },
    async (error: unknown) => {
      // A refused answer's body, read the same way (callers read 4xx bodies; an unread one would
      // hold its connection). A body that cannot be read leaves no data, as before it left none.
      if (error instanceof AxiosError && error.config?.decodeAsReceived === true && error.response) {
        const { response } = error;
        if (isReadable(response.data))
          response.data = await bodyAsReceived(response.data).catch(() => undefined);
      }
      throw error;
    },
  );
  client.interceptors.response.use(undefined, async (error: unknown) => {
    if (!(error instanceof AxiosError) || error.config === undefined) throw error;
    const config = error.config;
    if (config.attemptTimer?.aborted === true && config.callerSignal?.aborted !== true) {
      // Our attempt's time ran out (not the caller's cancel): a timeout, as axios reports its own.
      error.code = AxiosError.ECONNABORTED;
      error.message = `timeout of ${config.timeout ?? policy.timeoutMs}ms exceeded`;
    }
    const attempt = config.attempt ?? 1;
    const status = error.response?.status;
    const method = (config.method ?? 'get').toLowerCase();
    const delayMs = policy.retryDelay(
      attempt,
      {
        status,
        retryAfter: error.response?.headers['retry-after'] as string | undefined,
        repeatable: IDEMPOTENT.has(method) || config.retryUnsafe === true,
        cancelled: error.code === AxiosError.ERR_CANCELED,
      },
      config.operation ?? policy.startOperation(),
    );
    if (delayMs === null) throw error;
    options.onRetry?.({ attempt, delayMs, status, method, url: config.url ?? '' });
    await policy.sleep(delayMs);
    config.attempt = attempt + 1;
    return client.request(config);
  });
  return client;
}

function isReadable(data: unknown): data is Readable {
  return data instanceof Readable;
}

/**
 * A response body decoded to text as its chunks arrive, then parsed as axios parses JSON (a body
 * that is not JSON is the text, an empty one ''). axios itself keeps every chunk of a body until
 * its end and then copies them into one buffer before decoding it: a 10 MB answer is 20 MB of
 * native memory, and its chunks, alive for as long as the body takes to arrive, outlive the young
 * generation and are freed only by the next full collection. Decoded as they arrive, each chunk is
 * garbage at once, and only the text is held.
 */
async function bodyAsReceived(body: Readable): Promise<unknown> {
  body.setEncoding('utf8');
  const pieces: string[] = [];
  for await (const piece of body as AsyncIterable<string>) pieces.push(piece);
  let text = pieces.join('');
  pieces.length = 0;
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text === '') return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

declare module 'axios' {
  interface AxiosRequestConfig {
    /**
     * Decode the body as it arrives (see `bodyAsReceived`) instead of axios's whole-body buffer:
     * for large answers (lists of thousands). The answer's `data` is the same (parsed JSON, else text).
     */
    decodeAsReceived?: boolean;
    /** Set on a POST/PATCH that is safe to repeat (for example, one that is idempotent by design). */
    retryUnsafe?: boolean;
    attempt?: number;
    /** The deadline of this request and its retries (set by `createHttpClient`). */
    operation?: OperationClock;
    /** The caller's own abort signal, kept across attempts. */
    callerSignal?: AbortSignal;
    /** Aborts the current attempt when its time is up, even in the middle of a response body. */
    attemptTimer?: AbortSignal;
  }
}
