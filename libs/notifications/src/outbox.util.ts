/** Pure rules of the outbox: address checks, retry delays, error text, run summaries. */
import { isEmailAddress } from '@app/identifiers';

export class InvalidEmailError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidEmailError';
  }
}

export interface EmailMessage {
  to: string[];
  subject: string;
  text: string;
  /** Makes a repeated call harmless: a second message with the same key is not queued again. */
  dedupeKey?: string;
}

export interface OutboxDispatchResult {
  /** Messages the SMTP server accepted in this run. */
  sent: number;
  /** Failed attempts in this run that will be retried later. */
  failed: number;
  /** Messages that used their last attempt in this run (kept, with status `dead`). */
  dead: number;
  /** Messages still waiting in the outbox after the run, due or not. */
  pending: number;
  skipped?: 'no-smtp';
  /** Set when the run stopped early because the SMTP server could not be used (see isServerWideFailure). */
  stoppedEarly?: string;
}

/**
 * What the outbox sends to: the platform's one email rule (`@app/identifiers`), so that a sheet's
 * contact or a setting accepted earlier is never refused here, late.
 */
export function isPlausibleEmail(address: string): boolean {
  return isEmailAddress(address);
}

/** Checks a message and returns it trimmed, with a one-line subject; throws InvalidEmailError. */
export function normalizeMessage(message: EmailMessage): Required<Omit<EmailMessage, 'dedupeKey'>> & {
  dedupeKey: string | null;
} {
  const to = message.to.map((address) => address.trim());
  if (to.length === 0) throw new InvalidEmailError('An email needs at least one recipient');
  to.forEach((address, index) => {
    if (!isPlausibleEmail(address)) {
      throw new InvalidEmailError(
        `Recipient ${index + 1} is not a plausible email address: "${address.slice(0, 80)}"`,
      );
    }
  });
  const subject = message.subject.replace(/\s*[\r\n]+\s*/g, ' ').trim();
  if (subject === '') throw new InvalidEmailError('An email needs a subject');
  if (message.dedupeKey !== undefined && message.dedupeKey.trim() === '') {
    throw new InvalidEmailError('dedupeKey, when given, must not be empty');
  }
  return { to, subject, text: message.text, dedupeKey: message.dedupeKey ?? null };
}

/**
 * Delay after failed attempt number `attempts` (1-based): base * 2^(attempts-1), plus up to 10%
 * jitter so messages that failed together do not all retry in the same second, capped at `maxMs`.
 */
export function retryDelayAfter(
  attempts: number,
  baseMs: number,
  maxMs: number,
  random: number = Math.random(),
): number {
  const exponential = baseMs * 2 ** Math.max(0, attempts - 1);
  return Math.max(1, Math.min(Math.round(exponential * (1 + 0.1 * random)), maxMs));
}

/**
 * A short, single-line description of a send failure for `last_error`: error code, SMTP reply code
 * and message, with any credentials of the SMTP URL removed.
 */
export function describeSendError(error: unknown, smtpUrl: string | undefined, maxLength = 500): string {
  const details = error as { code?: unknown; responseCode?: unknown; message?: unknown } | null;
  const code = typeof details?.code === 'string' ? details.code : undefined;
  const reply = typeof details?.responseCode === 'number' ? String(details.responseCode) : undefined;
  const message = typeof details?.message === 'string' ? details.message : String(error);
  const prefix = [code, reply].filter((part) => part !== undefined).join(' ');
  let text = (prefix === '' ? message : `${prefix}: ${message}`).replace(/\s+/g, ' ').trim();
  for (const secret of urlCredentials(smtpUrl)) text = text.split(secret).join('***');
  text = text.replace(/(\w+:\/\/)[^/\s@]+@/g, '$1***@');
  return text.length > maxLength ? `${text.slice(0, maxLength - 1)}…` : text;
}

function urlCredentials(smtpUrl: string | undefined): string[] {
  if (smtpUrl === undefined) return [];
  try {
    const url = new URL(smtpUrl);
    return [
      url.password,
      decodeURIComponent(url.password),
      url.username,
      decodeURIComponent(url.username),
    ].filter((part) => part.length >= 3);
  } catch {
    return [];
  }
}

const SERVER_WIDE_CODES = new Set([
  'ECONNECTION',
  'ETIMEDOUT',
  'ESOCKET',
  'EDNS',
  'ETLS',
  'EREQUIRETLS',
  'EPROXY',
  'EAUTH',
  'ENOAUTH',
  'EABORT',
]);

/**
 * True when a send failed for a reason every other message would meet too (the server cannot be
 * reached, times out, refuses our TLS or credentials, or closes the channel with 421), rather than
 * a reply about this message.
 */
export function isServerWideFailure(error: unknown): boolean {
  const details = error as { code?: unknown; responseCode?: unknown } | null;
  if (details?.responseCode === 421) return true;
  if (typeof details?.code === 'string') return SERVER_WIDE_CODES.has(details.code);
  return typeof details?.responseCode !== 'number';
}

/** One line for a job run summary or a log. */
export function describeOutboxResult(result: OutboxDispatchResult): string {
  if (result.skipped === 'no-smtp') {
    return `No SMTP server configured: nothing sent; ${result.pending} email(s) wait in the outbox`;
  }
  const line =
    `Emails: ${result.sent} sent, ${result.failed} failed (will retry), ${result.dead} dead; ` +
    `${result.pending} pending`;
  return result.stoppedEarly === undefined ? line : `${line}; stopped early: ${result.stoppedEarly}`;
}
