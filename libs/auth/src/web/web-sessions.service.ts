import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { AuthenticationError } from '../auth.errors.js';
import { parseCookies, serializeCookie } from './cookies.util.js';
import { csrfTokenFor } from './csrf.util.js';
import { IAP_HEADER, IapVerifier } from './iap.verifier.js';
import { OidcSignIn, type SignedInPerson } from './oidc-sign-in.js';
import { relevantGroups, rolesFor } from './roles.util.js';
import {
  openSession,
  openSignIn,
  sealSession,
  sealSignIn,
  SEEN_RESOLUTION_SECONDS,
  SESSION_PROBLEMS,
  type SessionData,
  SIGN_IN_TTL_SECONDS,
  type SignInState,
} from './session.util.js';
import { WEB_AUTH_OPTIONS, type WebAuthOptions, type WebUser } from './web-auth.types.js';

/** Who a request comes from, as far as the session cookie (or IAP's header) says. */
export type Identification =
  | { kind: 'user'; user: WebUser; sessionKey: string; renewedCookie?: string }
  | { kind: 'none' }
  | { kind: 'refused'; problem: string; clearCookie: boolean };

interface IncomingRequest {
  headers: Record<string, string | string[] | undefined>;
}

export const CALLBACK_PATH = '/auth/callback';
/** How much of the state names the sign-in cookie: enough to tell attempts apart, not the whole value. */
const SIGN_IN_COOKIE_STATE_CHARACTERS = 16;
/** What a state we made looks like (openid-client's `randomState`: 43 base64url characters). */
export const STATE_FORMAT = /^[A-Za-z0-9_-]{16,200}$/;

/** The session cookie and the sign-in cookie: making, reading, renewing and clearing them; IAP's header in IAP mode. */
@Injectable()
export class WebSessions {
  /** Cookies are Secure unless the app runs on plain http on this machine. */
  readonly secure: boolean;
  readonly sessionCookie: string;
  readonly signInCookie: string;
  readonly oidc: OidcSignIn | undefined;
  private readonly iap: IapVerifier | undefined;

  constructor(@Inject(WEB_AUTH_OPTIONS) readonly options: WebAuthOptions) {
    this.secure = new URL(options.baseUrl).protocol === 'https:';
    // __Host-: the browser keeps it only if it is Secure, for this host alone, on path /.
    const prefix = this.secure ? '__Host-' : '';
    this.sessionCookie = `${prefix}${options.cookieName}`;
    this.signInCookie = `${prefix}${options.cookieName}-signin`;
    if (options.mode === 'oidc') {
      if (options.oidc === undefined) throw new Error('WebAuthOptions.oidc is required in oidc mode');
      this.oidc = new OidcSignIn(options.oidc, `${options.baseUrl}${CALLBACK_PATH}`, options.groupsClaim);
    } else {
      if (options.iap === undefined) throw new Error('WebAuthOptions.iap is required in iap mode');
      this.iap = new IapVerifier(options.iap);
    }
    if (options.sessionSecrets.some((secret) => secret.length < 32)) {
      throw new Error('WebAuthOptions.sessionSecrets must each be at least 32 characters');
    }
  }

  async identify(request: IncomingRequest): Promise<Identification> {
    return this.iap === undefined ? this.fromCookie(request) : this.fromIap(request, this.iap);
  }

  /** A new session for a person the provider just signed in, as a cookie value. */
  startSession(person: SignedInPerson): { cookie: string; session: SessionData } {
    const now = nowSeconds();
    const session: SessionData = {
      v: 1,
      sid: randomBytes(18).toString('base64url'),
      sub: person.subject,
      ...(person.email === undefined ? {} : { email: person.email }),
      ...(person.name === undefined ? {} : { name: person.name }),
      groups: relevantGroups(person.groups, this.options),
      iat: now,
      exp: now + this.options.sessionMaxAgeSeconds,
      seen: now,
    };
    return { cookie: this.sessionCookieHeader(session, now), session };
  }

  clearSessionCookie(): string {
    return serializeCookie(this.sessionCookie, '', { path: '/', secure: this.secure, maxAgeSeconds: 0 });
  }

  /**
   * The sign-in cookie of one attempt, named after the start of its state, so that sign-ins started
   * in two tabs at once each find their own when the provider sends the browser back.
   */
  signInCookieName(state: string): string {
    return `${this.signInCookie}-${state.slice(0, SIGN_IN_COOKIE_STATE_CHARACTERS)}`;
  }

  signInCookieHeader(state: SignInState): string {
    return serializeCookie(
      this.signInCookieName(state.state),
      sealSignIn(state, this.options.sessionSecrets),
      {
        path: '/',
        secure: this.secure,
        maxAgeSeconds: SIGN_IN_TTL_SECONDS,
      },
    );
  }

  clearSignInCookie(state: string): string {
    return serializeCookie(this.signInCookieName(state), '', {
      path: '/',
      secure: this.secure,
      maxAgeSeconds: 0,
    });
  }

  /**
   * The sign-in this browser started here for the `state` the provider sent back, unless it is
   * missing, forged or older than ten minutes. (Whether the whole state matches is openid-client's check.)
   */
  signInState(request: IncomingRequest, state: string): SignInState | undefined {
    const value = parseCookies(request.headers.cookie).get(this.signInCookieName(state));
    return value === undefined ? undefined : openSignIn(value, this.options.sessionSecrets, nowSeconds());
  }

  private fromCookie(request: IncomingRequest): Identification {
    const value = parseCookies(request.headers.cookie).get(this.sessionCookie);
    if (value === undefined || value === '') return { kind: 'none' };
    const now = nowSeconds();
    const reading = openSession(value, this.options.sessionSecrets, now, this.options.sessionIdleSeconds);
    if (!reading.ok) return { kind: 'refused', problem: SESSION_PROBLEMS[reading.reason], clearCookie: true };
    const { session } = reading;
    const user: WebUser = {
      subject: session.sub,
      ...(session.email === undefined ? {} : { email: session.email }),
      ...(session.name === undefined ? {} : { name: session.name }),
      roles: rolesFor(
        { ...(session.email === undefined ? {} : { email: session.email }), groups: session.groups },
        this.options,
      ),
      via: 'session',
      csrfToken: csrfTokenFor(session.sid, this.options.sessionSecrets),
      expiresAt: new Date(session.exp * 1000).toISOString(),
    };
    const renewed =
      now - session.seen >= SEEN_RESOLUTION_SECONDS
        ? this.sessionCookieHeader({ ...session, seen: now }, now)
        : undefined;
    return {
      kind: 'user',
      user,
      sessionKey: session.sid,
      ...(renewed === undefined ? {} : { renewedCookie: renewed }),
    };
  }

  private async fromIap(request: IncomingRequest, iap: IapVerifier): Promise<Identification> {
    let person;
    try {
      person = await iap.verify(request.headers[IAP_HEADER]);
    } catch (error) {
      if (error instanceof AuthenticationError)
        return { kind: 'refused', problem: error.message, clearCookie: false };
      throw error;
    }
    if (person === undefined) return { kind: 'none' };
    // IAP's own session cookie carries the header, so the CSRF token is tied to the IAP identity.
    const sessionKey = `iap:${person.subject}`;
    return {
      kind: 'user',
      sessionKey,
      user: {
        subject: person.subject,
        email: person.email,
        roles: rolesFor({ email: person.email, groups: [] }, this.options),
        via: 'iap',
        csrfToken: csrfTokenFor(sessionKey, this.options.sessionSecrets),
      },
    };
  }

  private sessionCookieHeader(session: SessionData, now: number): string {
    return serializeCookie(this.sessionCookie, sealSession(session, this.options.sessionSecrets), {
      path: '/',
      secure: this.secure,
      maxAgeSeconds: session.exp - now,
    });
  }
}

export const nowSeconds = (): number => Math.floor(Date.now() / 1000);
