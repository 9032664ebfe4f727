import { z } from 'zod';

const time = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date and time with its offset' });

export const uiExceptionsQuerySchema = z
  .strictObject({
    /** From this time (inclusive); default 7 days before `to`. */
    from: time.optional(),
    /** Up to this time (exclusive); default now. */
    to: time.optional(),
    limit: z.coerce
      .number('must be a number')
      .int('must be a whole number')
      .min(1, 'must be at least 1')
      .max(500, 'must be at most 500')
      .default(50),
    /** `true`: each exception carries its stack trace. */
    stack: z
      .enum(['true', 'false'], 'must be true or false')
      .default('false')
      .transform((v) => v === 'true'),
  })
  .refine((q) => q.from === undefined || q.to === undefined || new Date(q.from) < new Date(q.to), {
    path: ['from'],
    message: 'must be before to',
  });
export type UiExceptionsQuery = z.output<typeof uiExceptionsQuerySchema>;

export interface UiExceptionView {
  id: number;
  time: string;
  message: string;
  location: string | null;
  /** The ELLA user whose session raised it, if any. */
  user: { username: string; name: string } | null;
  /** Only with `stack=true`. */
  stacktrace?: string | null;
}

export interface UiExceptionGroup {
  message: string;
  count: number;
  firstSeen: string;
  lastSeen: string;
  users: number;
}

export interface UiExceptionsView {
  instance: string;
  from: string;
  to: string;
  groups: UiExceptionGroup[];
  exceptions: UiExceptionView[];
}
