import { randomBytes, timingSafeEqual } from 'node:crypto';
import express, { type Express, type Request, type Response } from 'express';
import { z } from 'zod';
import { parseSeedJson, Simulator, type SimulatorBaseOptions } from '../common/simulator.js';

/**
 * A stand-in for Lookup (the University of Cambridge directory, "Ibis" web service), only what
 * the GitLab sync uses: `GET /api/v1/person/list?crsids=a,b,c` (also served under
 * `/lookup/v1/...`, the API Gateway's prefix). JSON with `Accept: application/json` or
 * `format=json`, else a small XML rendering like Lookup's default:
 *
 *   { "result": { "people": [ { "cancelled": false, "identifier": { "scheme": "crsid", "value": "ab123" },
 *     "displayName": "...", "registeredName": "...", "surname": "...", "visibleName": "..." } ] } }
 *
 * People come back in identifier order; unknown CRSids are simply absent; cancelled people are
 * included with `cancelled: true`. A URL longer than `maxUrlLength` gets 414.
 * Authentication: HTTP Basic (`options.basic`) and/or Bearer tokens from `POST /oauth2/token`
 * (also `/oauth2/v1/token`; client-credentials grant, client id/secret by Basic or in the form).
 * With neither configured, requests are anonymous. Errors use Lookup's error envelope:
 * `{ "result": { "error": { "status": 401, "code": "...", "message": "..." } } }`.
 */

export interface SimLookupPerson {
  crsid: string;
  cancelled: boolean;
  displayName?: string;
}

/** Seed JSON: the people (`[{"crsid": "ab123", "cancelled": false, "displayName": "A. Bell"}]`). */
const seedSchema = z.array(
  z.strictObject({
    crsid: z.string().regex(/^[A-Za-z0-9]{1,16}$/, 'a CRSid (letters and digits)'),
    cancelled: z.boolean(),
    displayName: z.string().optional(),
  }),
);

export interface LookupSimulatorOptions extends SimulatorBaseOptions {
  basic?: { username: string; password: string };
  oauth2?: { clientId: string; clientSecret: string; tokenLifetimeSeconds?: number };
  /** Longest request URL (path and query) accepted; longer gets 414. */
  maxUrlLength?: number;
  /** Clock for token expiry. */
  now?: () => number;
}

const PERSON_LIST_PATHS = ['/api/v1/person/list', '/lookup/v1/person/list'];
const TOKEN_PATHS = ['/oauth2/token', '/oauth2/v1/token'];

export class LookupSimulator extends Simulator<readonly SimLookupPerson[]> {
  /** Access tokens issued so far. */
  tokensIssued = 0;
  private people = new Map<string, SimLookupPerson>();
  private readonly tokens = new Map<string, number>();
  private readonly now: () => number;

  constructor(readonly options: LookupSimulatorOptions = {}) {
    super('lookup', options);
    this.now = options.now ?? Date.now;
  }

  seed(people: readonly SimLookupPerson[]): void {
    this.people = new Map(people.map((person) => [person.crsid.toLowerCase(), { ...person }]));
  }

  parseSeed(json: unknown): SimLookupPerson[] {
    return parseSeedJson(seedSchema, json, 'Lookup simulator');
  }

  /** Changes (or adds) one person, e.g. to cancel them between two runs. */
  setPerson(person: SimLookupPerson): void {
    this.people.set(person.crsid.toLowerCase(), { ...person });
  }

  /** Invalidates every token issued, as a gateway does when keys are rotated. */
  revokeTokens(): void {
    this.tokens.clear();
  }

  /** The API root to give a client (`<url>/api/v1`). */
  get apiUrl(): string {
    return `${this.url}/api/v1`;
  }

  get tokenUrl(): string {
    return `${this.url}/oauth2/token`;
  }

  protected routes(app: Express): void {
    app.use((req: Request, res: Response, next) => {
      if (req.originalUrl.length > (this.options.maxUrlLength ?? 4096)) {
        res.status(414).type('text/plain').send('Request-URI Too Long');
        return;
      }
      next();
    });
    for (const path of TOKEN_PATHS) {
      app.post(path, express.urlencoded({ extended: false }), (req, res) => this.issueToken(req, res));
    }
    for (const path of PERSON_LIST_PATHS) app.get(path, (req, res) => this.listPeople(req, res));
  }

  private issueToken(req: Request, res: Response): void {
    const oauth2 = this.options.oauth2;
    const form = (req.body ?? {}) as Record<string, unknown>;
    if (oauth2 === undefined) {
      res.status(404).json({ error: 'not_found' });
      return;
    }
    if (form['grant_type'] !== 'client_credentials') {
      res.status(400).json({ error: 'unsupported_grant_type' });
      return;
    }
    // RFC 6749 2.3.1: Basic credentials are form-encoded first; form fields arrive decoded.
    const basic = parseBasic(req.get('authorization'));
    const clientId = basic ? safeDecode(basic.username) : stringField(form['client_id']);
    const secret = basic ? safeDecode(basic.password) : stringField(form['client_secret']);
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
    this.tokensIssued += 1;
    res.json({ access_token: token, token_type: 'Bearer', expires_in: lifetime });
  }

  private authorised(req: Request): boolean {
    const { basic, oauth2 } = this.options;
    if (basic === undefined && oauth2 === undefined) return true;
    const header = req.get('authorization') ?? '';
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
      const token = /^Bearer (.+)$/i.exec(header)?.[1];
      const expiresAt = token === undefined ? undefined : this.tokens.get(token);
      if (expiresAt !== undefined && this.now() < expiresAt) return true;
    }
    return false;
  }

  private listPeople(req: Request, res: Response): void {
    const query = new URL(req.originalUrl, 'http://simulator').searchParams;
    const json = query.get('format') === 'json' || (req.get('accept') ?? '').includes('application/json');
    if (!this.authorised(req)) {
      res.setHeader('WWW-Authenticate', 'Basic realm="Lookup"');
      sendError(res, json, 401, 'Unauthorized', 'Authentication required');
      return;
    }
    const crsids = (query.get('crsids') ?? '')
      .split(',')
      .map((value) => value.trim().toLowerCase())
      .filter((value) => value !== '');
    if (crsids.length === 0) {
      sendError(res, json, 400, 'BadRequest', 'crsids is required');
      return;
    }
    const found = [...new Set(crsids)]
      .sort()
      .map((crsid) => this.people.get(crsid))
      .filter((person): person is SimLookupPerson => person !== undefined)
      .map(toWirePerson);
    if (json) {
      res.json({ result: { people: found } });
      return;
    }
    res.type('application/xml').send(toXml(found));
  }
}

function toWirePerson(person: SimLookupPerson) {
  const name = person.displayName ?? person.crsid.toUpperCase();
  return {
    cancelled: person.cancelled,
    identifier: { scheme: 'crsid', value: person.crsid },
    displayName: name,
    registeredName: name,
    surname: name.split(' ').at(-1) ?? name,
    visibleName: name,
  };
}

function toXml(people: ReturnType<typeof toWirePerson>[]): string {
  const escape = (value: string) =>
    value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  const rows = people.map(
    (p) =>
      `<person cancelled="${String(p.cancelled)}"><identifier scheme="crsid">${escape(p.identifier.value)}</identifier>` +
      `<displayName>${escape(p.displayName)}</displayName><visibleName>${escape(p.visibleName)}</visibleName></person>`,
  );
  return `<?xml version="1.0" encoding="UTF-8"?><result version="1.0"><people>${rows.join('')}</people></result>`;
}

function sendError(res: Response, json: boolean, status: number, code: string, message: string): void {
  if (json) {
    res.status(status).json({ result: { error: { status, code, message } } });
    return;
  }
  res
    .status(status)
    .type('application/xml')
    .send(
      `<?xml version="1.0" encoding="UTF-8"?><result version="1.0"><error status="${status}"><code>${code}</code><message>${message}</message></error></result>`,
    );
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
