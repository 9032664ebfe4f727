import { z } from 'zod';
import { reasonSchema } from '../processes/process.types.js';

export const broadcastBodySchema = z.strictObject({
  message: z
    .string('must be text')
    .min(1, 'must not be empty')
    .max(1000, 'must be at most 1000 characters')
    .refine((text) => text.trim() !== '', 'must not be blank')
    .refine((text) => !/\p{Cc}/u.test(text), 'must not hold control characters (line breaks, tabs...)'),
  reason: reasonSchema,
  /** When the monitor job deactivates it: an ISO 8601 time with its offset, in the future. */
  endsAt: z.iso
    .datetime({ offset: true, message: 'must be an ISO 8601 date and time with its offset' })
    .optional(),
});
export type BroadcastBody = z.output<typeof broadcastBodySchema>;

export const deactivateBodySchema = z.strictObject({ reason: reasonSchema });

export const broadcastsQuerySchema = z.strictObject({
  /** How many inactive broadcasts to list beside the active ones (newest first). */
  recent: z.coerce
    .number('must be a number')
    .int('must be a whole number')
    .min(0, 'must be at least 0')
    .max(100, 'must be at most 100')
    .default(10),
});

export interface BroadcastRow {
  id: number;
  date_created: Date;
  message: string;
  active: boolean;
}

export interface BroadcastView {
  id: number;
  createdAt: string;
  message: string;
  active: boolean;
  /** When the gateway will deactivate it, if it was given an end. */
  endsAt: string | null;
}

export const toBroadcastView = (row: BroadcastRow, endsAt: Date | null): BroadcastView => ({
  id: row.id,
  createdAt: row.date_created.toISOString(),
  message: row.message,
  active: row.active,
  endsAt: endsAt?.toISOString() ?? null,
});
