import { z } from 'zod';
import { createHttpClient, type HttpClient, HttpPolicy, isAxiosError, UpstreamError } from '@app/http';

/**
 * cufs-api, the service that answers "can this be charged?" (apps/cufs-api). Its answer is passed on
 * as it is: storage-gateway shows cufs-api's own words next to the payment field.
 */
export interface CufsApiOptions {
  /** `https://cufs-api-…run.app` (no path). */
  baseUrl: string;
  /**
   * The `Authorization` header of each attempt: a Google-signed ID token for cufs-api's audience in
   * the cloud, its job token locally (libs/google `bearerFor`).
   */
  authorization: () => Promise<string>;
  timeoutMs?: number;
  deadlineMs?: number;
  maxAttempts?: number;
  baseDelayMs?: number;
}

const partSchema = z.object({
  name: z.string(),
  value: z.string(),
  description: z.string().nullable(),
  ok: z.boolean(),
});
const problemSchema = z.object({ part: z.string(), code: z.string(), message: z.string() });
export const checkAnswerSchema = z.object({
  valid: z.boolean(),
  kind: z.enum(['gl', 'grant', 'purchase-order']),
  normalised: z.string(),
  description: z.string().nullable(),
  parts: z.array(partSchema),
  problems: z.array(problemSchema),
});
export type CheckAnswer = z.output<typeof checkAnswerSchema>;
const badRequestSchema = z.object({
  message: z.string(),
  problems: z.array(z.object({ field: z.string(), message: z.string() })).default([]),
});

/** cufs-api could not say (CUFS down, cufs-api down, a timeout): the check must be tried again later, never read as "invalid". */
export class FinanceCheckUnavailableError extends Error {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'FinanceCheckUnavailableError';
  }
}

const SYSTEM = 'cufs-api';

export class CufsApiClient {
  readonly policy: HttpPolicy;
  private readonly http: HttpClient;

  constructor(options: CufsApiOptions) {
    const policy = {
      system: SYSTEM,
      timeoutMs: options.timeoutMs ?? 10_000,
      deadlineMs: options.deadlineMs ?? 30_000,
      maxAttempts: options.maxAttempts ?? 3,
      baseDelayMs: options.baseDelayMs,
    };
    this.policy = new HttpPolicy(policy);
    this.http = createHttpClient({
      ...policy,
      policy: this.policy,
      baseURL: `${options.baseUrl.replace(/\/+$/, '')}/`,
      headers: { Accept: 'application/json' },
      authorization: options.authorization,
    });
  }

  /**
   * Checks a finance code, grant code or purchase order for `amount` pence on `date`. A check is a
   * read, so it is retried like one (the POST only carries the code out of the URL).
   */
  async check(input: {
    code: string;
    kind: 'gl' | 'grant' | 'purchase-order';
    amount: number;
    date: string;
  }): Promise<CheckAnswer> {
    try {
      const response = await this.http.post<unknown>('finance-codes/check', input, { retryUnsafe: true });
      const parsed = checkAnswerSchema.safeParse(response.data);
      if (!parsed.success)
        throw new UpstreamError(SYSTEM, `unexpected answer: ${parsed.error.issues[0]?.path.join('.') ?? ''}`);
      return parsed.data;
    } catch (error) {
      if (isAxiosError(error) && error.response?.status === 400) {
        // cufs-api refused the code before asking CUFS (not a finance code at all): that is an answer.
        const body = badRequestSchema.safeParse(error.response.data);
        const message = body.success
          ? (body.data.problems[0]?.message ?? body.data.message)
          : 'is not a finance code';
        return {
          valid: false,
          kind: input.kind,
          normalised: input.code,
          description: null,
          parts: [],
          problems: [{ part: 'code', code: 'wrong-shape', message }],
        };
      }
      throw unavailable(error);
    }
  }

  get calls(): number {
    return this.policy.calls;
  }
}

function unavailable(error: unknown): Error {
  if (isAxiosError(error) && error.response !== undefined) {
    const status = error.response.status;
    if (status === 503 || status === 502 || status === 504 || status === 429) {
      const retryAfter = Number(error.response.headers['retry-after']);
      return new FinanceCheckUnavailableError(
        `cufs-api could not check the code (HTTP ${status})`,
        Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : 30,
        { cause: error },
      );
    }
    // 401/403: our own configuration is wrong; a retry does not fix it, but the order must not be rejected either.
    return new FinanceCheckUnavailableError(
      `cufs-api refused the call (HTTP ${status}): check CUFS_API_URL and this service's identity`,
      300,
      { cause: error },
    );
  }
  if (error instanceof UpstreamError) return error;
  return new FinanceCheckUnavailableError(`cufs-api could not be reached: ${(error as Error).message}`, 30, {
    cause: error,
  });
}
