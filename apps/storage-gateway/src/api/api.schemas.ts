import { z } from 'zod';
import { emailAddress, plainText } from '@app/identifiers';

/** An address as people are known here: lower case (the signed-in person's address is lowered too). */
export const personEmail = emailAddress.transform((email) => email.toLowerCase());
export const emailBody = z.strictObject({
  email: personEmail,
  reason: plainText({ maxLength: 500 }).optional(),
});
export const projectBody = z.strictObject({
  name: z
    .string()
    .regex(
      /^[a-z0-9][a-z0-9_-]{0,63}$/,
      'must be 1-64 lower-case letters, digits, - or _, starting with a letter or digit',
    ),
});
export const memberBody = z.strictObject({ role: z.enum(['manager', 'user']) });
export const reasonBody = z.strictObject({
  reason: plainText({ maxLength: 1000, allowLineBreaks: true }).optional(),
});
export const requiredReasonBody = z.strictObject({
  reason: plainText({ maxLength: 1000, allowLineBreaks: true }).pipe(
    z.string().min(1, 'say why, for the buyer'),
  ),
});
export const voucherBody = z.strictObject({
  code: z.string().regex(/^[A-Z0-9][A-Z0-9-]{3,31}$/, 'must be 4-32 capital letters, digits or -'),
  productCode: z.string().regex(/^[A-Z][A-Z0-9]{1,7}$/, 'must be a product code'),
  sizeTb: z.number().int().min(1).max(100_000),
  years: z.number().int().min(1).max(10),
  note: plainText({ maxLength: 200 }).pipe(z.string().min(1, 'is required')),
  validUntil: z.iso.date({ message: 'must be a date YYYY-MM-DD' }).optional(),
});
export const queueQuery = z.strictObject({
  state: z
    .string()
    .regex(/^[a-z_]+(,[a-z_]+)*$/, 'must be order states separated by commas')
    .optional(),
  product: z
    .string()
    .regex(/^[A-Z][A-Z0-9]{1,7}$/, 'must be a product code')
    .optional(),
});
