import { z } from 'zod';

/** `15m`, `2h`: from 1 minute to 24 hours. */
export const windowSchema = z
  .string()
  .regex(/^[1-9][0-9]{0,3}[mh]$/, 'must be minutes or hours, like 15m or 2h')
  .transform((text) => Number(text.slice(0, -1)) * (text.endsWith('h') ? 60 : 1))
  .refine((minutes) => minutes <= 1440, 'must be at most 24h');

export const healthQuerySchema = z.strictObject({ window: windowSchema.optional() });

export interface SlowResource {
  method: string;
  resource: string;
  requests: number;
  p95Ms: number;
  maxMs: number;
}

export interface RequestFigures {
  requests: number;
  errors5xx: number;
  /** 5xx / requests; 0 without requests. */
  errorRate: number;
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
  slowest: SlowResource[];
}

/** A part of the health check; `status` is the HTTP status when the part is an HTTP call that got an answer. */
export type Check =
  { ok: true; ms: number; status?: number } | { ok: false; ms: number; status?: number; error: string };

export interface HealthView {
  instance: string;
  window: { minutes: number; from: string; to: string };
  /** From ELLA's `resourcelog`; null when its database did not answer. */
  requests: RequestFigures | null;
  processes:
    | { ok: true; supervisor: string; programs: { name: string; state: string }[] }
    | { ok: false; error: string };
  database: Check;
  /** ELLA's `GET /api/v1/broadcasts/`. */
  api: Check;
}
