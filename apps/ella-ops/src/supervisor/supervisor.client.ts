import type { z } from 'zod';
import { type AttemptFailure, AttemptTimeoutError, HttpPolicy } from '@app/http';
import {
  decodeResponse,
  encodeCall,
  XmlRpcFault,
  XmlRpcFormatError,
  type XmlRpcValue,
} from './xml-rpc.codec.js';
import { SupervisorFaultError, SupervisorUnreachableError } from './supervisor.errors.js';
import {
  type ProcessInfo,
  processInfoSchema,
  type ProcessResult,
  processResultSchema,
  type SupervisorState,
  supervisorStateSchema,
  tailSchema,
} from './supervisor.types.js';

export interface SupervisorClientOptions {
  /** The instance's name, for errors. */
  instance: string;
  /** The XML-RPC endpoint, `http://host:9001/RPC2`. */
  url: string;
  username?: string;
  password?: string;
  /** One attempt's limit (connection and the whole answer). */
  timeoutMs: number;
  /**
   * An action's limit (start, stop: supervisord answers once the programs have started or stopped,
   * which may take long): default `timeoutMs`.
   */
  actionTimeoutMs?: number;
  /**
   * Attempts in all for a read (`getState`, `getAllProcessInfo`, `getProcessInfo`, the log tail):
   * reads change nothing, so a failed one is asked again. Default 2. Actions are never repeated.
   */
  readAttempts?: number;
  /** How to wait between a read's attempts (tests record the delays). */
  sleep?: (ms: number) => Promise<void>;
}

/** Whether a call may be sent again: reads change nothing; an action may have been done. */
type CallKind = 'read' | 'action';

/** The most a read waits before it is asked again (backoff, or a proxy's `Retry-After`). */
const MAX_READ_DELAY_MS = 2000;

/**
 * supervisord's XML-RPC API (version 3.0) for one instance. Each call is one POST with HTTP Basic
 * auth, run by the platform's `HttpPolicy` (a time limit per attempt, a deadline, a call counter):
 * reads are repeated on a network error, a timeout, 429 or a 5xx (up to `readAttempts`, honouring
 * `Retry-After` up to 2 s); actions (start, stop) are sent once and never repeated, whatever the
 * failure (XML-RPC is POST: a start or stop must not run twice). Failures are
 * {@link SupervisorUnreachableError} or {@link SupervisorFaultError}, never anything else.
 */
export class SupervisorClient {
  /** The policy reads go through (`timeoutMs` per attempt). */
  readonly policy: HttpPolicy;
  /** The policy actions go through: one attempt of `actionTimeoutMs`. */
  readonly actionPolicy: HttpPolicy;
  private readonly authorization: string | undefined;

  constructor(private readonly options: SupervisorClientOptions) {
    this.authorization =
      options.username === undefined
        ? undefined
        : `Basic ${Buffer.from(`${options.username}:${options.password ?? ''}`, 'utf8').toString('base64')}`;
    const maxAttempts = options.readAttempts ?? 2;
    this.policy = new HttpPolicy({
      system: `supervisord of instance "${options.instance}"`,
      timeoutMs: options.timeoutMs,
      maxAttempts,
      // Every attempt its full time, and the waits between them.
      deadlineMs: maxAttempts * (options.timeoutMs + MAX_READ_DELAY_MS),
      baseDelayMs: 200,
      maxDelayMs: MAX_READ_DELAY_MS,
      maxRetryAfterMs: MAX_READ_DELAY_MS,
      ...(options.sleep === undefined ? {} : { sleep: options.sleep }),
    });
    const actionTimeoutMs = options.actionTimeoutMs ?? options.timeoutMs;
    this.actionPolicy = new HttpPolicy({
      system: `supervisord of instance "${options.instance}"`,
      timeoutMs: actionTimeoutMs,
      maxAttempts: 1,
      deadlineMs: actionTimeoutMs,
    });
  }

  /** Requests sent, reads and actions. */
  get calls(): number {
    return this.policy.calls + this.actionPolicy.calls;
  }

  async getState(): Promise<SupervisorState> {
    return this.parsed(supervisorStateSchema, await this.call('supervisor.getState', [], 'read'));
  }

  async getAllProcessInfo(): Promise<ProcessInfo[]> {
    return this.parsed(
      processInfoSchema.array(),
      await this.call('supervisor.getAllProcessInfo', [], 'read'),
    );
  }

  async getProcessInfo(name: string): Promise<ProcessInfo> {
    return this.parsed(processInfoSchema, await this.call('supervisor.getProcessInfo', [name], 'read'));
  }

  /** Starts a program and waits until it is RUNNING (or fails: SPAWN_ERROR, ABNORMAL_TERMINATION). */
  async startProcess(name: string): Promise<void> {
    await this.call('supervisor.startProcess', [name, true], 'action');
  }

  async stopProcess(name: string): Promise<void> {
    await this.call('supervisor.stopProcess', [name, true], 'action');
  }

  async startAllProcesses(): Promise<ProcessResult[]> {
    return this.parsed(
      processResultSchema.array(),
      await this.call('supervisor.startAllProcesses', [true], 'action'),
    );
  }

  async stopAllProcesses(): Promise<ProcessResult[]> {
    return this.parsed(
      processResultSchema.array(),
      await this.call('supervisor.stopAllProcesses', [true], 'action'),
    );
  }

  /** The last `length` bytes of a program's stdout log. */
  async tailStdoutLog(
    name: string,
    length: number,
  ): Promise<{ text: string; offset: number; overflow: boolean }> {
    const [text, offset, overflow] = this.parsed(
      tailSchema,
      await this.call('supervisor.tailProcessStdoutLog', [name, 0, length], 'read'),
    );
    return { text, offset, overflow };
  }

  private parsed<S extends z.ZodType>(schema: S, value: XmlRpcValue): z.output<S> {
    const result = schema.safeParse(value);
    if (!result.success) throw this.unreachable('its answer does not have the expected shape');
    return result.data;
  }

  private async call(method: string, params: XmlRpcValue[], kind: CallKind): Promise<XmlRpcValue> {
    const body = encodeCall(method, params);
    let text: string;
    try {
      const policy = kind === 'read' ? this.policy : this.actionPolicy;
      text = await policy.run(
        async ({ signal }) => {
          const response = await fetch(this.options.url, {
            method: 'POST',
            headers: {
              'content-type': 'text/xml',
              ...(this.authorization === undefined ? {} : { authorization: this.authorization }),
            },
            body,
            signal,
          });
          const answer = await response.text();
          if (!response.ok) throw new HttpStatusError(response.status, response.headers.get('retry-after'));
          return answer;
        },
        {
          repeatable: kind === 'read',
          // An action is sent once: no failure, not even a 429, makes it go again.
          describe: kind === 'read' ? describeFailure : () => ({ transient: false }),
        },
      );
    } catch (error) {
      throw this.unreachable(describeNetworkError(error));
    }
    try {
      return await decodeResponse(text);
    } catch (error) {
      if (error instanceof XmlRpcFault) {
        throw new SupervisorFaultError(this.options.instance, error.faultCode, error.faultString);
      }
      if (error instanceof XmlRpcFormatError) throw this.unreachable(error.message);
      throw error;
    }
  }

  private unreachable(reason: string): SupervisorUnreachableError {
    return new SupervisorUnreachableError(this.options.instance, reason);
  }
}

/** supervisord (or a proxy in front of it) answered with an HTTP error. */
class HttpStatusError extends Error {
  constructor(
    readonly status: number,
    readonly retryAfter: string | null,
  ) {
    super(status === 401 ? 'it refused the credentials (HTTP 401)' : `it answered HTTP ${status}`);
    this.name = 'HttpStatusError';
  }
}

/** What a read's failure means for the policy: an HTTP status, or a network error (transient). */
function describeFailure(error: unknown): Omit<AttemptFailure, 'repeatable'> {
  if (error instanceof HttpStatusError)
    return error.retryAfter === null
      ? { status: error.status }
      : { status: error.status, retryAfter: error.retryAfter };
  return {};
}

function describeNetworkError(error: unknown): string {
  if (error instanceof HttpStatusError) return error.message;
  if (error instanceof AttemptTimeoutError) return `no answer within ${error.timeoutMs} ms`;
  // fetch's errors may come from another realm (Jest), so they are read by shape, not instanceof.
  const shape = (value: unknown) =>
    (typeof value === 'object' && value !== null ? value : {}) as {
      name?: unknown;
      code?: unknown;
      cause?: unknown;
    };
  const code = shape(shape(error).cause).code;
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'its host name does not resolve';
  return typeof code === 'string' ? `the connection failed (${code})` : 'the connection failed';
}
