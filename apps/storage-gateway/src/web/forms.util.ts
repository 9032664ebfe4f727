import { BadRequestException } from '@nestjs/common';
import type { PaymentMethod } from '../orders/order.types.js';
import { PAYMENT_METHODS } from '../orders/order.types.js';

import { type FieldErrors } from '@app/service';

// The generic form helpers live in @app/service (ella-ops' pages use them too).
export { type FieldErrors, formOf, zodErrors } from '@app/service';

/** A whole number typed into a field, or NaN (the schema then names the field). */
export function wholeNumber(text: string | undefined): number {
  const trimmed = (text ?? '').trim();
  return /^\d{1,9}$/.test(trimmed) ? Number(trimmed) : Number.NaN;
}

/**
 * A service's 400 (`{message, problems:[{field, message}]}`) as field errors under the form's names;
 * anything else is not the form's to show and goes on to the error page.
 */
export function serviceErrors(error: unknown, fieldNames: Record<string, string> = {}): FieldErrors | null {
  if (!(error instanceof BadRequestException)) return null;
  const body = error.getResponse();
  const errors: FieldErrors = {};
  if (typeof body === 'object' && body !== null && 'problems' in body && Array.isArray(body.problems)) {
    for (const p of body.problems as { field?: unknown; message?: unknown }[]) {
      if (typeof p.field !== 'string' || typeof p.message !== 'string') continue;
      const field = fieldNames[p.field] ?? p.field;
      errors[field] ??= p.message;
    }
  }
  if (Object.keys(errors).length === 0) errors.form = error.message;
  return errors;
}

/** The field that holds the reference for each payment method. */
export const REFERENCE_FIELD: Record<PaymentMethod, string> = {
  finance_code: 'financeCode',
  grant_code: 'grantCode',
  purchase_order: 'poNumber',
  voucher: 'voucherCode',
};

export interface PaymentChoice {
  method: PaymentMethod;
  reference: string;
  field: string;
}

/** The payment method chosen and its reference, or the problems with them. */
export function paymentOf(form: Record<string, string>, errors: FieldErrors): PaymentChoice | null {
  const method = PAYMENT_METHODS.find((m) => m === form.paymentMethod);
  if (method === undefined) {
    errors.paymentMethod = 'Choose how you pay';
    return null;
  }
  const field = REFERENCE_FIELD[method];
  const reference = (form[field] ?? '').trim();
  if (reference === '') {
    errors[field] = {
      finance_code: 'Enter the finance code',
      grant_code: 'Enter the grant code',
      purchase_order: 'Enter the purchase order number',
      voucher: 'Enter the voucher code',
    }[method];
    return null;
  }
  return { method, reference, field };
}

/** A form's problems under ids unique on the page (`<form>-<field>`), when one page has several forms. */
export function prefixed(formName: string, errors: FieldErrors): FieldErrors {
  return Object.fromEntries(
    Object.entries(errors).map(([field, message]) => [`${formName}-${field}`, message]),
  );
}
