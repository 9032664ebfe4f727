import express, { type Express, type Request, type Response } from 'express';
import { z } from 'zod';
import { type SimulatedOAuthClient, SimulatedTokenIssuer } from '../common/client-credentials.js';
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
  oauth2?: SimulatedOAuthClient;
  /** Longest request URL (path and query) accepted; longer gets 414. */
  maxUrlLength?: number;
  /** Clock for token expiry. */
  now?: () => number;
}

const PERSON_LIST_PATHS = ['/api/v1/person/list', '/lookup/v1/person/list'];
const TOKEN_PATHS = ['/oauth2/token', '/oauth2/v1/token'];

export class LookupSimulator extends Simulator<readonly SimLookupPerson[]> {
  private people = new Map<string, SimLookupPerson>();
  private readonly issuer: SimulatedTokenIssuer;

  constructor(readonly options: LookupSimulatorOptions = {}) {
    super('lookup', options);
    this.issuer = new SimulatedTokenIssuer({ ...options, formCredentials: true }, options.now ?? Date.now);
  }

  /** Access tokens issued so far (tests set it back to 0). */
  get tokensIssued(): number {
    return this.issuer.issued;
  }

  set tokensIssued(count: number) {
    this.issuer.issued = count;
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
    this.issuer.revoke();
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
      app.post(path, express.urlencoded({ extended: false }), (req, res) => this.issuer.issue(req, res));
    }
    for (const path of PERSON_LIST_PATHS) app.get(path, (req, res) => this.listPeople(req, res));
  }

  private listPeople(req: Request, res: Response): void {
    const query = new URL(req.originalUrl, 'http://simulator').searchParams;
    const json = query.get('format') === 'json' || (req.get('accept') ?? '').includes('application/json');
    if (!this.issuer.authorised(req.get('authorization'))) {
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
