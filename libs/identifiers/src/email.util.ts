import { z } from 'zod';
import { forbiddenCharactersIn } from './text.util.js';

/** Longest address SMTP carries (RFC 5321 path limit less the angle brackets). */
export const MAX_EMAIL_LENGTH = 254;

/**
 * One `@`; a local part without spaces, brackets, quotes or separators; a domain of at least two
 * labels of ASCII letters, digits and '-' (an internationalised domain is written in punycode).
 * Plausible, not RFC 5322: mail servers have the final say, but anything that could smuggle a
 * second recipient or a header ("a@b.org, c@d.org", "A <a@b.org>", a line break) is refused.
 */
const EMAIL = /^[^\s@<>()[\]",;:\\]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/;

/**
 * The one rule for an email address, everywhere: what the outbox sends to, what a sheet's contact
 * or a setting may hold. Also refuses control, format (zero-width, right-to-left override...) and
 * separator characters, which make an address look like another.
 */
export function isEmailAddress(address: string): boolean {
  return (
    address.length <= MAX_EMAIL_LENGTH && EMAIL.test(address) && forbiddenCharactersIn(address).length === 0
  );
}

/** One email address as input: trimmed, then checked (case kept: the local part may be case-sensitive). */
export const emailAddress = z.string().trim().refine(isEmailAddress, { message: 'must be an email address' });

/**
 * A comma-separated list of email addresses from one environment variable (`OPS_EMAIL`,
 * `JOB_ALLOWED_EMAILS`...): entries trimmed, empty entries dropped, every entry an address by
 * `isEmailAddress`. Unset means an empty list; `required` makes an empty list an error.
 * Messages name the rule, never the value (config errors must not print settings).
 */
export function emailList(options: { required?: boolean } = {}) {
  return z
    .string()
    .default('')
    .transform((value) =>
      value
        .split(',')
        .map((entry) => entry.trim())
        .filter((entry) => entry.length > 0),
    )
    .superRefine((list, ctx) => {
      if (options.required === true && list.length === 0)
        ctx.addIssue({ code: 'custom', message: 'is required' });
      if (!list.every(isEmailAddress)) ctx.addIssue({ code: 'custom', message: 'must be email addresses' });
    });
}
