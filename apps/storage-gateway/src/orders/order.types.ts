import { z } from 'zod';
import { plainText } from '@app/identifiers';
import type { OrderState } from './order-state.util.js';

export const PAYMENT_METHODS = ['finance_code', 'grant_code', 'purchase_order', 'voucher'] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];

/** `POST /api/orders`. The payment reference is checked for shape here and for meaning by cufs-api. */
export const orderRequest = z
  .object({
    quoteId: z.uuid({ message: 'must be an id' }),
    paymentMethod: z.enum(PAYMENT_METHODS),
    paymentReference: plainText({ maxLength: 64 }).pipe(z.string().min(1, 'is required')),
    /** A value the form makes once (a UUID, say): submitting the same form twice makes one order. */
    idempotencyKey: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'must be 8 to 64 letters, digits, - or _'),
    /** For new storage: what the account is called and whose it is. */
    account: z
      .object({
        name: plainText({ maxLength: 100 }).pipe(z.string().min(1, 'is required')),
        departmentCode: z.string().regex(/^[A-Z]{2}$/, 'is the two-letter department code'),
        departmentName: plainText({ maxLength: 100 }).pipe(z.string().min(1, 'is required')),
      })
      .strict()
      .optional(),
  })
  .strict();
export type OrderRequest = z.output<typeof orderRequest>;

export const orderDecision = z
  .object({ reason: plainText({ maxLength: 1000, allowLineBreaks: true }).optional() })
  .strict();

export interface OrderView {
  id: string;
  reference: string;
  state: OrderState;
  quote: {
    id: string;
    reference: string;
    kind: 'new' | 'increase' | 'renewal';
    amountPence: number;
    sizeTb: number;
    years: number | null;
  };
  account: { id: string; reference: string; name: string };
  product: { code: string; name: string };
  paymentMethod: PaymentMethod;
  paymentReference: string;
  /** cufs-api's answer or the voucher check, once made. */
  paymentCheck: unknown;
  createdBy: string;
  decidedBy: string | null;
  decisionReason: string | null;
  /** The storage backend's refusal of the latest provision run (an administrator may then cancel). */
  provisionRefusal: string | null;
  createdAt: string;
  updatedAt: string;
}

/** Where an order stands, in a list of orders in progress. */
export interface OrderProgress {
  id: string;
  reference: string;
  state: OrderState;
  kind: 'new' | 'increase' | 'renewal';
  sizeTb: number;
  product: { name: string };
  account: { id: string; name: string };
}
