import { z } from 'zod';
import type { CalendarDate } from '../domain/calendar.util.js';

const uuid = z.uuid({ message: 'must be an id' });
const tb = z.number().int('must be a whole number of TB').min(1).max(100_000);
const years = z.number().int().min(1).max(10);

/** `POST /api/quotes`. */
export const quoteRequest = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('new'), productCode: z.string().min(1).max(8), sizeTb: tb, years }).strict(),
  z.object({ kind: z.literal('increase'), accountId: uuid, addTb: tb }).strict(),
  z.object({ kind: z.literal('renewal'), accountId: uuid, sizeTb: tb.optional(), years }).strict(),
]);
export type QuoteRequestInput = z.output<typeof quoteRequest>;

export interface QuoteView {
  id: string;
  reference: string;
  kind: 'new' | 'increase' | 'renewal';
  product: { code: string; name: string };
  accountId: string | null;
  sizeTb: number;
  chargedTb: number;
  years: number | null;
  unitPricePence: number;
  amountPence: number;
  periodStart: CalendarDate;
  periodEnd: CalendarDate;
  explanation: string;
  validUntil: CalendarDate;
  /** Whether the quote can still be ordered: not expired and not ordered already. */
  orderable: boolean;
  createdBy: string;
  createdAt: string;
}
