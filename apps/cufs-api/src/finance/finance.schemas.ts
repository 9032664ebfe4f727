import { plainTextProblem } from '@app/identifiers';
import { z } from 'zod';
import { NOT_A_FINANCE_CODE, recogniseKind } from './code-kind.util.js';
import { isCalendarDate } from './dates.util.js';
import { CODE_KINDS } from './finance.types.js';

/** Longer than any finance code (a grant code with a long expenditure type is about 90). */
export const MAX_CODE_LENGTH = 120;
/** £100bn in pence: more is a mistake, not an order. */
const MAX_AMOUNT_PENCE = 10_000_000_000_000;

const codeText = z
  .string({ error: 'must be text' })
  .max(MAX_CODE_LENGTH, `must be at most ${MAX_CODE_LENGTH} characters`)
  .superRefine((code, ctx) => {
    const problem = plainTextProblem(code);
    if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
    else if (code.trim() === '') ctx.addIssue({ code: 'custom', message: 'must not be empty' });
  });

const pence = z
  .number({ error: 'must be a whole number of pence' })
  .int('must be a whole number of pence')
  .min(0, 'must not be negative')
  .max(MAX_AMOUNT_PENCE, `must be at most ${MAX_AMOUNT_PENCE} pence`);

export const checkBodySchema = z
  .strictObject({
    code: codeText.meta({
      description:
        'U.PN.PNLI.AAAA.ELKZ.0000, ZZAG001/RG12345/1/other costs or PN100001; case, spaces and - or space separators are forgiven',
    }),
    amount: pence
      .optional()
      .meta({ description: 'Amount to charge in pence (purchase orders: what must be left on the order)' }),
    date: z
      .string({ error: 'must be a date YYYY-MM-DD' })
      .refine(isCalendarDate, 'must be a date YYYY-MM-DD')
      .optional()
      .meta({ description: 'Charge date, YYYY-MM-DD; default today (Europe/London)' }),
    kind: z
      .enum(CODE_KINDS, { error: `must be one of ${CODE_KINDS.join(', ')}` })
      .optional()
      .meta({ description: 'gl, grant or purchase-order; default: recognised from the code' }),
  })
  .superRefine((body, ctx) => {
    if (body.kind === undefined && typeof body.code === 'string' && plainTextProblem(body.code) === null) {
      if (body.code.trim() !== '' && recogniseKind(body.code) === null) {
        ctx.addIssue({ code: 'custom', path: ['code'], message: NOT_A_FINANCE_CODE });
      }
    }
  });
export type CheckBody = z.output<typeof checkBodySchema>;

export const purchaseOrderParamsSchema = z.object({
  number: codeText.refine((text) => recogniseKind(text) === 'purchase-order', {
    message: 'must be a purchase order number, letters and digits such as PN100001',
  }),
});

export const purchaseOrderQuerySchema = z.strictObject({
  amount: z
    .string()
    .regex(/^\d{1,14}$/, 'must be a whole number of pence')
    .transform(Number)
    .pipe(pence)
    .optional()
    .meta({ description: 'Pence that must be left on the order' }),
});
