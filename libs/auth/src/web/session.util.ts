import { z } from 'zod';
import { signValue, verifySignedValue } from './signed-value.util.js';

/**
 * What the session cookie holds: who (subject, email, name, the groups that give a role), a random
 * session id (the CSRF token is derived from it), and three times in seconds: signed in, absolute
 * end, last seen (for the idle limit). No tokens from the provider.
 */
const sessionSchema = z.strictObject({
  v: z.literal(1),
  sid: z.string().min(16).max(64),
  sub: z.string().min(1).max(255),
  email: z.string().max(254).optional(),
  name: z.string().max(200).optional(),
  groups: z.array(z.string().max(200)).max(50),
  iat: z.number().int(),
  exp: z.number().int(),
  seen: z.number().int(),
});
export type SessionData = z.infer<typeof sessionSchema>;

/** The sign-in in progress: kept in a short-lived signed cookie between `/auth/login` and `/auth/callback`. */
const signInSchema = z.strictObject({
  state: z.string().min(1).max(200),
  nonce: z.string().min(1).max(200),
  verifier: z.string().min(43).max(128),
  returnTo: z.string().min(1).max(2000),
  exp: z.number().int(),
});
export type SignInState = z.infer<typeof signInSchema>;

const SESSION_PURPOSE = 'session';
const SIGN_IN_PURPOSE = 'sign-in';
/** How long a sign-in may take between leaving for the provider and coming back. */
export const SIGN_IN_TTL_SECONDS = 600;
/** A session's last-seen time is written again at most this often (each write is a new cookie). */
export const SEEN_RESOLUTION_SECONDS = 60;

export type SessionReading =
  { ok: true; session: SessionData } | { ok: false; reason: 'invalid' | 'expired' | 'idle' };

export const sealSession = (session: SessionData, secrets: readonly string[]): string =>
  signValue(SESSION_PURPOSE, session, secrets);

/** The session in a cookie value, or why it is not one: forged or damaged, past its end, or idle too long. */
export function openSession(
  value: string,
  secrets: readonly string[],
  nowSeconds: number,
  idleSeconds: number,
): SessionReading {
  const parsed = sessionSchema.safeParse(verifySignedValue(SESSION_PURPOSE, value, secrets));
  if (!parsed.success) return { ok: false, reason: 'invalid' };
  const session = parsed.data;
  if (nowSeconds >= session.exp) return { ok: false, reason: 'expired' };
  if (nowSeconds >= session.seen + idleSeconds) return { ok: false, reason: 'idle' };
  return { ok: true, session };
}

export const sealSignIn = (state: SignInState, secrets: readonly string[]): string =>
  signValue(SIGN_IN_PURPOSE, state, secrets);

/** The sign-in state in a cookie value, or undefined when it is forged, damaged or too old. */
export function openSignIn(
  value: string,
  secrets: readonly string[],
  nowSeconds: number,
): SignInState | undefined {
  const parsed = signInSchema.safeParse(verifySignedValue(SIGN_IN_PURPOSE, value, secrets));
  if (!parsed.success || nowSeconds >= parsed.data.exp) return undefined;
  return parsed.data;
}

export const SESSION_PROBLEMS: Record<'invalid' | 'expired' | 'idle', string> = {
  invalid: 'session cookie is not valid; sign in again',
  expired: 'session has expired; sign in again',
  idle: 'session ended after a period without activity; sign in again',
};
