import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';

/** A simulated system's OAuth2 client (client-credentials grant). */
export interface SimulatedOAuthClient {
  clientId: string;
  clientSecret: string;
  /** Default 3600. */
  tokenLifetimeSeconds?: number;
}

export interface SimulatedCredentials {
  /** HTTP Basic on every call. */
  basic?: { username: string; password: string };
  /** Bearer tokens from the token endpoint. */
  oauth2?: SimulatedOAuthClient;
  /** Also take the client id and secret from the form (`client_id`, `client_secret`), not only by Basic. */
  formCredentials?: boolean;
}

/**
 * What a simulated system checks callers with: HTTP Basic and/or OAuth2 client-credentials tokens
 * (RFC 6749 4.4) from its token endpoint (`issue`, mounted behind `express.urlencoded`), tokens that
 * expire by the simulator's clock or are revoked. With neither configured, every call is let in.
 */
export class SimulatedTokenIssuer {
  /** Access tokens issued so far. */
  issued = 0;
  private readonly tokens = new Map<string, number>();

  constructor(
    private readonly credentials: SimulatedCredentials,
    private readonly now: () => number,
  ) {}

  /** Invalidates every token issued, as when keys are rotated. */
  revoke(): void {
    this.tokens.clear();
  }

  /** The token endpoint: `{ access_token, token_type: "Bearer", expires_in }`, 400 or 401 as RFC 6749 5.2 says. */
  issue(req: Request, res: Response): void {
    const oauth2 = this.credentials.oauth2;
    if (oauth2 === undefined) {
      res.status(404).json({ error: 'not_found' });
      return;
    }
    const form = (req.body ?? {}) as Record<string, unknown>;
    if (form['grant_type'] !== 'client_credentials') {
      res.status(400).json({ error: 'unsupported_grant_type' });
      return;
    }
    // RFC 6749 2.3.1: Basic credentials are form-encoded first; form fields arrive decoded.
    const basic = parseBasic(req.get('authorization'));
    const fromForm = this.credentials.formCredentials === true && basic === undefined;
    const clientId = fromForm ? stringField(form['client_id']) : basic && safeDecode(basic.username);
    const secret = fromForm ? stringField(form['client_secret']) : basic && safeDecode(basic.password);
    if (
      clientId === undefined ||
      secret === undefined ||
      !safeEqual(clientId, oauth2.clientId) ||
      !safeEqual(secret, oauth2.clientSecret)
    ) {
      res.status(401).json({ error: 'invalid_client' });
      return;
    }
    const lifetime = oauth2.tokenLifetimeSeconds ?? 3600;
    const token = randomBytes(24).toString('base64url');
    this.tokens.set(token, this.now() + lifetime * 1000);
    this.issued += 1;
    res.json({ access_token: token, token_type: 'Bearer', expires_in: lifetime });
  }

  /** Whether a call's `Authorization` header is the Basic credentials or a live token. */
  authorised(header: string | undefined): boolean {
    const { basic, oauth2 } = this.credentials;
    if (basic === undefined && oauth2 === undefined) return true;
    if (basic !== undefined) {
      const given = parseBasic(header);
      if (
        given !== undefined &&
        safeEqual(given.username, basic.username) &&
        safeEqual(given.password, basic.password)
      ) {
        return true;
      }
    }
    if (oauth2 !== undefined) {
      const token = /^Bearer (.+)$/i.exec(header ?? '')?.[1];
      const expiresAt = token === undefined ? undefined : this.tokens.get(token);
      if (expiresAt !== undefined && this.now() < expiresAt) return true;
    }
    return false;
  }
}

function parseBasic(header: string | undefined): { username: string; password: string } | undefined {
  const encoded = /^Basic (.+)$/i.exec(header ?? '')?.[1];
  if (encoded === undefined) return undefined;
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon === -1) return undefined;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

function safeDecode(value: string): string | undefined {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}

function stringField(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function safeEqual(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
