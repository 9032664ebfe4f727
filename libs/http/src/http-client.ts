import { finished, Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
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
        response.data = await bodyAsReceived(response.data, response.headers['content-length']);
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
          response.data = await bodyAsReceived(response.data, response.headers['content-length']).catch(
            () => undefined,
          );
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

/** Bytes of a body decoded at a time (the most native memory one body holds while it is read). */
const PIECE = 1024 * 1024;

/** `ArrayBuffer.prototype.transfer` (ES2024; Node 21+). */
type Transferable = ArrayBuffer & { transfer(length: number): ArrayBuffer };

/**
 * A response body decoded as it arrives, a piece of at most PIECE bytes at a time, through one
 * buffer released as soon as the body ends; then parsed as axios parses JSON (a body that is not
 * JSON is the text, an empty one ''). axios itself keeps every chunk of a body until its end and
 * then copies them all into one more buffer: native memory twice the body's size, which the
 * collector frees only once it finds their objects unreachable; with a small young generation they
 * are old by then, so only at the next full collection, and a run's reads pile up until it. Here
 * each chunk is copied into the buffer and is garbage at once; the buffer, sized by Content-Length
 * up to PIECE, is freed when the body ends (`transfer(0)` detaches it and frees its memory),
 * whatever the collector does. A body of one piece is decoded once, to the text axios makes; a
 * longer one is decoded a piece at a time (large strings, which the young generation does not
 * copy) and joined.
 */
function bodyAsReceived(body: Readable, contentLength: unknown): Promise<unknown> {
  const hint = Number(contentLength);
  const store = new ArrayBuffer(
    Number.isSafeInteger(hint) && hint > 0 ? Math.min(hint, PIECE) : PIECE,
  ) as Transferable;
  const bytes = new Uint8Array(store);
  let used = 0;
  const decoder = new StringDecoder('utf8');
  const pieces: string[] = [];
  return new Promise((resolve, reject) => {
    let ended = false;
    body.on('data', (chunk: Buffer) => {
      if (ended) return; // (after an error: the buffer is freed)
      for (let offset = 0; offset < chunk.length;) {
        const n = Math.min(chunk.length - offset, bytes.length - used);
        bytes.set(chunk.subarray(offset, offset + n), used);
        used += n;
        offset += n;
        if (used === bytes.length) {
          pieces.push(decoder.write(Buffer.from(store, 0, used)));
          used = 0;
        }
      }
    });
    finished(body, (error) => {
      ended = true;
      if (!error) {
        for (const last of [decoder.write(Buffer.from(store, 0, used)), decoder.end()])
          if (last !== '') pieces.push(last);
      }
      store.transfer(0);
      if (error) {
        reject(error);
        return;
      }
      let text = pieces.length === 1 ? pieces[0] : pieces.join('');
      pieces.length = 0;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      if (text === '') {
        resolve(text);
        return;
      }
      try {
        resolve(JSON.parse(text) as unknown);
      } catch {
        resolve(text);
      }
    });
  });
}

declare module 'axios' {
  interface AxiosRequestConfig {
    /**
     * Read the body into one buffer freed as soon as it is decoded (see `bodyAsReceived`), instead
     * of axios's chunks and copy, freed by the collector: for large answers (lists of thousands).
     * The answer's `data` is the same (parsed JSON, else the text).
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
