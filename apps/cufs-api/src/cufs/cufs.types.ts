import { z } from 'zod';

/**
 * CUFS's answers as cufs-api reads them: the only place, with cufs.client.ts, that knows CUFS's
 * paths and fields (the model in simulators/cufs). Only the fields the checks need are kept; dates
 * are `YYYY-MM-DD` and a `null` end date is open-ended.
 */
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD');

export const VALUE_SETS = ['department', 'cost-centre', 'source-of-funds', 'transaction-code'] as const;
export type CufsValueSet = (typeof VALUE_SETS)[number];

export const cufsValueSchema = z.object({
  set: z.enum(VALUE_SETS),
  value: z.string(),
  description: z.string().nullable(),
  enabled: z.boolean(),
  startDate: isoDate.nullable(),
  endDate: isoDate.nullable(),
  parent: z.string().nullable(),
});
export type CufsValue = z.infer<typeof cufsValueSchema>;

const statusSchema = z.enum(['ACTIVE', 'CLOSED', 'ON_HOLD']);

export const cufsProjectSchema = z.object({
  projectNumber: z.string(),
  name: z.string().nullable(),
  status: statusSchema,
  startDate: isoDate.nullable(),
  endDate: isoDate.nullable(),
  awards: z.array(
    z.object({
      awardNumber: z.string(),
      status: statusSchema,
      startDate: isoDate.nullable(),
      endDate: isoDate.nullable(),
    }),
  ),
  tasks: z.array(
    z.object({ taskNumber: z.string(), chargeable: z.boolean(), status: z.enum(['ACTIVE', 'CLOSED']) }),
  ),
  expenditureTypes: z.array(z.string()),
});
export type CufsProject = z.infer<typeof cufsProjectSchema>;

export const cufsPurchaseOrderSchema = z.object({
  number: z.string(),
  status: z.enum(['APPROVED', 'OPEN', 'CLOSED', 'CANCELLED']),
  supplier: z.string(),
  department: z.string().nullable(),
  currency: z.string(),
  amount: z.number().int(),
  remaining: z.number().int(),
});
export type CufsPurchaseOrder = z.infer<typeof cufsPurchaseOrderSchema>;

export type CufsAuth =
  | { kind: 'basic'; username: string; password: string }
  | { kind: 'oauth2'; clientId: string; clientSecret: string };

/** What `/readyz` says about CUFS. */
export type CufsReachability = 'ok' | 'unreachable' | 'refused';

/** The reads the checks make; CufsClient does them over HTTP, the cache in front of it shares them. */
export interface CufsReader {
  /** The value, or null when CUFS does not know it; throws UpstreamError when CUFS cannot say. */
  getValue(set: CufsValueSet, value: string): Promise<CufsValue | null>;
  getProject(projectNumber: string): Promise<CufsProject | null>;
  getPurchaseOrder(number: string): Promise<CufsPurchaseOrder | null>;
}
