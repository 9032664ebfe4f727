import { z } from 'zod';
import { plainText } from '@app/identifiers';

/** A product as administrators write it (`PUT /api/admin/products/:code`). */
export const productInput = z
  .object({
    name: plainText({ maxLength: 100 }).pipe(z.string().min(1, 'is required')),
    description: plainText({ maxLength: 2000, allowLineBreaks: true }),
    pricePerTbYear: z.number().int().min(0).max(100_000_000).describe('pence per TB per year'),
    minTb: z.number().int().min(1).max(100_000),
    maxTb: z.number().int().min(1).max(100_000),
    stepTb: z.number().int().min(1).max(100_000),
    termsYears: z.array(z.number().int().min(1).max(10)).min(1).max(10),
    active: z.boolean(),
  })
  .strict()
  .superRefine((p, ctx) => {
    if (p.maxTb < p.minTb)
      ctx.addIssue({ code: 'custom', path: ['maxTb'], message: 'must not be less than minTb' });
    if (new Set(p.termsYears).size !== p.termsYears.length) {
      ctx.addIssue({ code: 'custom', path: ['termsYears'], message: 'lists a term twice' });
    }
  });
export type ProductInput = z.output<typeof productInput>;

/** Product codes: 2 to 8 capital letters or digits (RDS, RFS, RCS, IFS). */
export const productCode = z
  .string()
  .regex(/^[A-Z][A-Z0-9]{1,7}$/, 'a product code is 2 to 8 capital letters or digits');

export interface Product extends ProductInput {
  code: string;
  updatedAt: string;
  updatedBy: string;
}

/** What a product sells, as administrators set it (prices are data, never code). */
export interface ProductTerms {
  code: string;
  name: string;
  /** Pence per TB per year. */
  pricePerTbYear: number;
  minTb: number;
  maxTb: number;
  stepTb: number;
  /** Terms that may be bought, in years. */
  termsYears: readonly number[];
  active: boolean;
}
