import { z } from 'zod';
import { createHttpClient, type HttpClient, HttpPolicy, isAxiosError, UpstreamError } from '@app/http';
import type { Access } from '../accounts/account-state.util.js';

/**
 * The storage backend's API (a model: the real one is not public; simulators/storage-backend speaks
 * the same). Every call is a PUT or a GET, so each is idempotent and safe to retry, and a task that
 * runs twice sets the same state twice.
 */
export interface StorageBackendOptions {
  /** `https://storage-backend.example/api/v1` */
  baseUrl: string;
  token: string;
  timeoutMs?: number;
  deadlineMs?: number;
  maxAttempts?: number;
  baseDelayMs?: number;
}

const SYSTEM = 'storage backend';

const allocationSchema = z.object({
  ref: z.string(),
  product: z.string(),
  quotaTb: z.number(),
  usedTb: z.number(),
  access: z.enum(['read-write', 'read-only', 'none']),
  projects: z.array(
    z.object({ name: z.string(), managers: z.array(z.string()), users: z.array(z.string()) }),
  ),
});
export type Allocation = z.output<typeof allocationSchema>;
const errorSchema = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

/** The backend refused a change for a reason a retry cannot fix (`code` from its error body). */
export class StorageBackendRefusal extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
  ) {
    super(`${SYSTEM} refused: ${message}`);
    this.name = 'StorageBackendRefusal';
  }
}

export class StorageBackendClient {
  readonly policy: HttpPolicy;
  private readonly http: HttpClient;

  constructor(options: StorageBackendOptions) {
    const policy = {
      system: SYSTEM,
      timeoutMs: options.timeoutMs ?? 10_000,
      deadlineMs: options.deadlineMs ?? 60_000,
      maxAttempts: options.maxAttempts,
      baseDelayMs: options.baseDelayMs,
    };
    this.policy = new HttpPolicy(policy);
    this.http = createHttpClient({
      ...policy,
      policy: this.policy,
      baseURL: `${options.baseUrl.replace(/\/+$/, '')}/`,
      headers: { Authorization: `Bearer ${options.token}`, Accept: 'application/json' },
    });
  }

  /** The allocation, or null when the backend has none of that reference. */
  async get(ref: string): Promise<Allocation | null> {
    try {
      return parse((await this.http.get<unknown>(`allocations/${encode(ref)}`)).data);
    } catch (error) {
      if (isAxiosError(error) && error.response?.status === 404) return null;
      throw failure('read an allocation', error);
    }
  }

  /** Creates the allocation or sets its product, quota and access. */
  async ensure(
    ref: string,
    allocation: { product: string; quotaTb: number; access: Access },
  ): Promise<Allocation> {
    return this.put(`allocations/${encode(ref)}`, allocation, 'set up an allocation');
  }

  async setQuota(ref: string, quotaTb: number): Promise<Allocation> {
    return this.put(`allocations/${encode(ref)}/quota`, { quotaTb }, 'change a quota');
  }

  async setAccess(ref: string, access: Access): Promise<Allocation> {
    return this.put(`allocations/${encode(ref)}/access`, { access }, 'change access');
  }

  async setProject(
    ref: string,
    name: string,
    groups: { managers: string[]; users: string[] },
  ): Promise<Allocation> {
    return this.put(`allocations/${encode(ref)}/projects/${encode(name)}`, groups, "set a project's groups");
  }

  get calls(): number {
    return this.policy.calls;
  }

  private async put(path: string, body: unknown, what: string): Promise<Allocation> {
    try {
      return parse((await this.http.put<unknown>(path, body)).data);
    } catch (error) {
      throw failure(what, error);
    }
  }
}

function encode(part: string): string {
  return encodeURIComponent(part);
}

function parse(body: unknown): Allocation {
  const parsed = allocationSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UpstreamError(
      SYSTEM,
      `unexpected answer: ${issue?.path.join('.') ?? ''} ${issue?.message ?? ''}`.trim(),
    );
  }
  return parsed.data;
}

/** 4xx with the backend's error body: a refusal (no retry helps); anything else: the backend is unavailable. */
function failure(what: string, error: unknown): Error {
  if (error instanceof UpstreamError) return error;
  if (isAxiosError(error) && error.response !== undefined) {
    const status = error.response.status;
    const body = errorSchema.safeParse(error.response.data);
    if (status >= 400 && status < 500 && status !== 408 && status !== 429 && body.success) {
      return new StorageBackendRefusal(body.data.error.code, body.data.error.message, status);
    }
    return new UpstreamError(SYSTEM, `could not ${what} (HTTP ${status})`, status, { cause: error });
  }
  return new UpstreamError(SYSTEM, `could not ${what}: ${(error as Error).message}`, undefined, {
    cause: error,
  });
}
