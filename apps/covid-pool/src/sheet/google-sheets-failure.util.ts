import { z } from 'zod';
import { kindOfHttpFailure, type UnreadableKind } from './unreadable.util.js';

/** Why one API call failed, after its retries. */
export interface CallFailure {
  kind: 'http' | 'network' | 'timeout' | 'token' | 'credentials' | 'answer';
  status?: number;
  /** Google's error message (from its JSON error body) or the network error code. */
  detail: string;
  /** The ErrorInfo reason of Google's error body (SERVICE_DISABLED...), when it has one. */
  googleReason?: string;
  retryAfter?: string;
  attempts: number;
  cause: unknown;
}

const googleErrorSchema = z.object({
  error: z.object({
    message: z.string(),
    details: z.array(z.object({ reason: z.string().optional() }).loose()).optional(),
  }),
});

/** Google's error message and ErrorInfo reason from an error body, when the body is Google's. */
export function googleError(data: unknown): { message: string; reason?: string } | null {
  const parsed = googleErrorSchema.safeParse(data);
  if (!parsed.success) return null;
  const reason = parsed.data.error.details?.find((detail) => detail.reason !== undefined)?.reason;
  return { message: parsed.data.error.message, reason };
}

/** What an unreadable sheet is, from how the call failed. */
export function unreadableKindOf(failure: CallFailure): UnreadableKind {
  switch (failure.kind) {
    case 'timeout':
      return 'timeout';
    case 'network':
      return 'network';
    case 'token':
    case 'credentials':
      return 'credentials';
    case 'answer':
      return 'unexpected';
    case 'http':
      return kindOfHttpFailure(failure.status ?? 0, failure.googleReason, failure.detail);
  }
}

/** The reason in plain words; `shareWith` names the service account for "share it with". */
export function unreadableReason(
  failure: CallFailure,
  options: { timeoutMs: number; shareWith?: string },
): string {
  const { status, attempts, detail } = failure;
  const tries = `after ${attempts} attempt${attempts === 1 ? '' : 's'}`;
  switch (failure.kind) {
    case 'timeout':
      return `Google Sheets did not answer within ${options.timeoutMs / 1000} seconds, ${tries}`;
    case 'network':
      return `Google Sheets could not be reached ${tries} (${detail})`;
    case 'credentials':
      return `the service account credentials could not be loaded (${detail})`;
    case 'token':
      return `the service account could not get an access token (HTTP ${status ?? '?'}) ${tries}`;
    case 'answer':
      return status === 400
        ? detail
        : `Google Sheets sent an answer that could not be understood (${detail})`;
    case 'http':
      break;
  }
  switch (unreadableKindOf(failure)) {
    case 'not_found':
      return 'the spreadsheet does not exist; check the spreadsheet id';
    case 'no_access':
      return `the service account has no access to the spreadsheet; share it (Viewer is enough) with ${
        options.shareWith ?? 'the service account the app runs as'
      }`;
    case 'credentials':
      return status === 401
        ? "Google Sheets refused the service account's credentials (HTTP 401)"
        : `Google Sheets refused the service account (HTTP ${status ?? '?'}): ${detail}`;
    case 'rate_limited':
      return `Google Sheets kept answering 429 (too many requests) ${tries}`;
    case 'unavailable':
      return `Google Sheets kept failing with HTTP ${status ?? '?'} ${tries}`;
    default:
      return `Google Sheets refused the request (HTTP ${status ?? '?'}): ${detail}`;
  }
}

/** The parts of a gaxios error we use, read without depending on which gaxios copy threw it. */
export function errorShape(error: unknown): {
  isHttpClientError: boolean;
  status?: number;
  url?: string;
  data?: unknown;
  retryAfter?: string;
  code?: string;
} {
  if (typeof error !== 'object' || error === null) return { isHttpClientError: false };
  const record = error as Record<string, unknown>;
  const config = record['config'] as { url?: unknown } | undefined;
  const response = record['response'] as { status?: unknown; data?: unknown; headers?: unknown } | undefined;
  const isHttpClientError = config !== undefined && typeof config === 'object';
  const status = typeof response?.status === 'number' ? response.status : undefined;
  return {
    isHttpClientError,
    status,
    url: typeof config?.url === 'string' || config?.url instanceof URL ? config.url.toString() : undefined,
    data: response?.data,
    retryAfter: headerValue(response?.headers, 'retry-after'),
    code: typeof record['code'] === 'string' ? record['code'] : undefined,
  };
}

function headerValue(headers: unknown, name: string): string | undefined {
  if (typeof headers !== 'object' || headers === null) return undefined;
  // A fetch Headers object (gaxios 7+), possibly from another realm, or a plain object.
  const get = (headers as { get?: unknown }).get;
  const value: unknown =
    typeof get === 'function'
      ? (get as (header: string) => unknown).call(headers, name)
      : (headers as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : undefined;
}
