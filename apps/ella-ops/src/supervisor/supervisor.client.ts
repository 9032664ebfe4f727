import type { z } from 'zod';
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
  /** One call's limit (connection and answer). */
  timeoutMs: number;
}

/**
 * supervisord's XML-RPC API (version 3.0) for one instance. Each call is one POST with HTTP Basic
 * auth and a time limit; nothing is retried (a start or stop must not run twice). Failures are
 * {@link SupervisorUnreachableError} or {@link SupervisorFaultError}, never anything else.
 */
export class SupervisorClient {
  private readonly authorization: string | undefined;

  constructor(private readonly options: SupervisorClientOptions) {
    this.authorization =
      options.username === undefined
        ? undefined
        : `Basic ${Buffer.from(`${options.username}:${options.password ?? ''}`, 'utf8').toString('base64')}`;
  }

  async getState(): Promise<SupervisorState> {
    return this.parsed(supervisorStateSchema, await this.call('supervisor.getState', []));
  }

  async getAllProcessInfo(): Promise<ProcessInfo[]> {
    return this.parsed(processInfoSchema.array(), await this.call('supervisor.getAllProcessInfo', []));
  }

  async getProcessInfo(name: string): Promise<ProcessInfo> {
    return this.parsed(processInfoSchema, await this.call('supervisor.getProcessInfo', [name]));
  }

  /** Starts a program and waits until it is RUNNING (or fails: SPAWN_ERROR, ABNORMAL_TERMINATION). */
  async startProcess(name: string): Promise<void> {
    await this.call('supervisor.startProcess', [name, true]);
  }

  async stopProcess(name: string): Promise<void> {
    await this.call('supervisor.stopProcess', [name, true]);
  }

  async startAllProcesses(): Promise<ProcessResult[]> {
    return this.parsed(processResultSchema.array(), await this.call('supervisor.startAllProcesses', [true]));
  }

  async stopAllProcesses(): Promise<ProcessResult[]> {
    return this.parsed(processResultSchema.array(), await this.call('supervisor.stopAllProcesses', [true]));
  }

  /** The last `length` bytes of a program's stdout log. */
  async tailStdoutLog(
    name: string,
    length: number,
  ): Promise<{ text: string; offset: number; overflow: boolean }> {
    const [text, offset, overflow] = this.parsed(
      tailSchema,
      await this.call('supervisor.tailProcessStdoutLog', [name, 0, length]),
    );
    return { text, offset, overflow };
  }

  private parsed<S extends z.ZodType>(schema: S, value: XmlRpcValue): z.output<S> {
    const result = schema.safeParse(value);
    if (!result.success) throw this.unreachable('its answer does not have the expected shape');
    return result.data;
  }

  private async call(method: string, params: XmlRpcValue[]): Promise<XmlRpcValue> {
    let response: Response;
    let body: string;
    try {
      response = await fetch(this.options.url, {
        method: 'POST',
        headers: {
          'content-type': 'text/xml',
          ...(this.authorization === undefined ? {} : { authorization: this.authorization }),
        },
        body: encodeCall(method, params),
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      body = await response.text();
    } catch (error) {
      throw this.unreachable(describeNetworkError(error, this.options.timeoutMs));
    }
    if (response.status === 401) throw this.unreachable('it refused the credentials (HTTP 401)');
    if (!response.ok) throw this.unreachable(`it answered HTTP ${response.status}`);
    try {
      return await decodeResponse(body);
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

function describeNetworkError(error: unknown, timeoutMs: number): string {
  // fetch's errors may come from another realm (Jest), so they are read by shape, not instanceof.
  const shape = (value: unknown) =>
    (typeof value === 'object' && value !== null ? value : {}) as {
      name?: unknown;
      code?: unknown;
      cause?: unknown;
    };
  const { name, cause } = shape(error);
  if (name === 'TimeoutError' || name === 'AbortError') return `no answer within ${timeoutMs} ms`;
  const code = shape(cause).code;
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'its host name does not resolve';
  return typeof code === 'string' ? `the connection failed (${code})` : 'the connection failed';
}
