import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import { type SimulatedOAuthClient, SimulatedTokenIssuer } from '../common/client-credentials.js';
import { parseSeedJson, Simulator, type SimulatorBaseOptions } from '../common/simulator.js';

/**
 * A stand-in for CUFS (the University's Oracle E-Business Suite finance system) as cufs-api sees it.
 * The real interface is not public; this is the model cufs-api's one client speaks (read-only JSON,
 * dates `YYYY-MM-DD`, a `null` end date is open-ended):
 *
 * - `POST /oauth/token` (form `grant_type=client_credentials`, client id and secret by HTTP Basic):
 *   `{ access_token, token_type: "Bearer", expires_in }`; or HTTP Basic on every call instead;
 * - `GET /api/v1/value-sets/{set}/values/{value}`, `set` one of `department`, `cost-centre`,
 *   `source-of-funds`, `transaction-code`: `{ set, value, description, enabled, startDate, endDate, parent }`
 *   (`parent`: a cost centre's department, else null), or 404 `{ "error": "not_found" }`;
 * - `GET /api/v1/projects/{projectNumber}`: the project with its awards, tasks and expenditure types;
 * - `GET /api/v1/purchase-orders/{number}`: `{ number, status, supplier, department, currency, amount, remaining }`
 *   (amounts in pence).
 *
 * Faults besides the base's latency and status faults: `hang(path)` (a call that never answers,
 * for timeouts), tokens that expire (`tokenLifetimeSeconds`, the clock `now`) or are revoked.
 */

export const VALUE_SETS = ['department', 'cost-centre', 'source-of-funds', 'transaction-code'] as const;
export type ValueSet = (typeof VALUE_SETS)[number];

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD');

const valueSchema = z.strictObject({
  set: z.enum(VALUE_SETS),
  value: z.string().regex(/^[A-Z0-9]{1,8}$/, 'upper-case letters and digits'),
  description: z.string(),
  enabled: z.boolean(),
  startDate: isoDate.nullable(),
  endDate: isoDate.nullable(),
  parent: z.string().nullable(),
});

const projectSchema = z.strictObject({
  projectNumber: z.string().regex(/^[A-Z0-9]{1,20}$/, 'upper-case letters and digits'),
  name: z.string(),
  status: z.enum(['ACTIVE', 'CLOSED', 'ON_HOLD']),
  startDate: isoDate.nullable(),
  endDate: isoDate.nullable(),
  awards: z.array(
    z.strictObject({
      awardNumber: z.string(),
      status: z.enum(['ACTIVE', 'CLOSED', 'ON_HOLD']),
      startDate: isoDate.nullable(),
      endDate: isoDate.nullable(),
    }),
  ),
  tasks: z.array(
    z.strictObject({ taskNumber: z.string(), chargeable: z.boolean(), status: z.enum(['ACTIVE', 'CLOSED']) }),
  ),
  expenditureTypes: z.array(z.string()),
});

const purchaseOrderSchema = z.strictObject({
  number: z.string().regex(/^[A-Z0-9]{1,20}$/, 'upper-case letters and digits'),
  status: z.enum(['APPROVED', 'OPEN', 'CLOSED', 'CANCELLED']),
  supplier: z.string(),
  department: z.string(),
  currency: z.string(),
  amount: z.number().int().nonnegative(),
  remaining: z.number().int().nonnegative(),
});

const seedSchema = z.strictObject({
  values: z.array(valueSchema),
  projects: z.array(projectSchema),
  purchaseOrders: z.array(purchaseOrderSchema),
});

export type SimCufsValue = z.infer<typeof valueSchema>;
export type SimCufsProject = z.infer<typeof projectSchema>;
export type SimCufsPurchaseOrder = z.infer<typeof purchaseOrderSchema>;
export type SimCufsSeed = z.infer<typeof seedSchema>;

export interface CufsSimulatorOptions extends SimulatorBaseOptions {
  /** HTTP Basic on every call. */
  basic?: { username: string; password: string };
  /** OAuth2 client credentials at `POST /oauth/token`. */
  oauth2?: SimulatedOAuthClient;
  /** Clock for token expiry (tests). */
  now?: () => number;
}

interface HangRule {
  path: string;
  times: number | undefined;
}

const API = '/api/v1';

export class CufsSimulator extends Simulator<SimCufsSeed> {
  private values = new Map<string, SimCufsValue>();
  private projects = new Map<string, SimCufsProject>();
  private purchaseOrders = new Map<string, SimCufsPurchaseOrder>();
  private hangs: HangRule[] = [];
  private readonly held = new Set<Response>();
  private readonly issuer: SimulatedTokenIssuer;

  constructor(readonly options: CufsSimulatorOptions = {}) {
    super('cufs', options);
    this.issuer = new SimulatedTokenIssuer(options, options.now ?? Date.now);
  }

  /** Access tokens issued so far (tests set it back to 0). */
  get tokensIssued(): number {
    return this.issuer.issued;
  }

  set tokensIssued(count: number) {
    this.issuer.issued = count;
  }

  seed(data: SimCufsSeed): void {
    this.values = new Map(data.values.map((value) => [valueKey(value.set, value.value), { ...value }]));
    this.projects = new Map(
      data.projects.map((project) => [project.projectNumber, structuredClone(project)]),
    );
    this.purchaseOrders = new Map(data.purchaseOrders.map((order) => [order.number, { ...order }]));
  }

  parseSeed(json: unknown): SimCufsSeed {
    return parseSeedJson(seedSchema, json, 'CUFS simulator');
  }

  /** Changes (or adds) one value of a value set, as a finance administrator does. */
  setValue(value: SimCufsValue): void {
    this.values.set(valueKey(value.set, value.value), { ...value });
  }

  setProject(project: SimCufsProject): void {
    this.projects.set(project.projectNumber, structuredClone(project));
  }

  setPurchaseOrder(order: SimCufsPurchaseOrder): void {
    this.purchaseOrders.set(order.number, { ...order });
  }

  /** The next `times` calls (all, when unset) whose path starts with `path` never get an answer. */
  hang(path: string, times?: number): void {
    this.hangs.push({ path, times });
  }

  /** Calls being held by `hang` right now. */
  get heldCalls(): number {
    return this.held.size;
  }

  /** Invalidates every token issued, as when keys are rotated. */
  revokeTokens(): void {
    this.issuer.revoke();
  }

  /** The API root to give a client (`<url>/api/v1`): cufs-api's CUFS_URL is the server root. */
  get apiUrl(): string {
    return `${this.url}${API}`;
  }

  get tokenUrl(): string {
    return `${this.url}/oauth/token`;
  }

  protected override resetFaults(): void {
    this.hangs = [];
    this.releaseHeld();
  }

  override async close(): Promise<void> {
    this.releaseHeld();
    await super.close();
  }

  protected routes(app: Express): void {
    app.use((req: Request, res: Response, next: NextFunction) => {
      const index = this.hangs.findIndex((rule) => req.path.startsWith(rule.path));
      if (index === -1) return next();
      const rule = this.hangs[index];
      if (rule?.times !== undefined) {
        rule.times -= 1;
        if (rule.times <= 0) this.hangs.splice(index, 1);
      }
      // Never answered; dropped when the client gives up or the simulator closes.
      this.held.add(res);
      res.on('close', () => this.held.delete(res));
    });
    app.post('/oauth/token', express.urlencoded({ extended: false }), (req, res) =>
      this.issuer.issue(req, res),
    );
    app.use(API, (req: Request, res: Response, next: NextFunction) => {
      if (this.issuer.authorised(req.get('authorization'))) return next();
      res.setHeader('WWW-Authenticate', this.options.oauth2 ? 'Bearer' : 'Basic realm="CUFS"');
      res.status(401).json({ error: 'unauthorized' });
    });
    app.get(`${API}/value-sets/:set/values/:value`, (req, res) => {
      const set = String(req.params['set']);
      if (!(VALUE_SETS as readonly string[]).includes(set)) {
        res.status(404).json({ error: 'not_found', detail: 'unknown value set' });
        return;
      }
      this.answer(res, this.values.get(valueKey(set, String(req.params['value']))));
    });
    app.get(`${API}/projects/:projectNumber`, (req, res) => {
      this.answer(res, this.projects.get(String(req.params['projectNumber'])));
    });
    app.get(`${API}/purchase-orders/:number`, (req, res) => {
      this.answer(res, this.purchaseOrders.get(String(req.params['number'])));
    });
    app.use(API, (_req: Request, res: Response) => {
      res.status(404).json({ error: 'not_found' });
    });
  }

  private answer(res: Response, found: object | undefined): void {
    if (found === undefined) res.status(404).json({ error: 'not_found' });
    else res.json(found);
  }

  private releaseHeld(): void {
    for (const res of this.held) res.destroy();
    this.held.clear();
  }
}

function valueKey(set: string, value: string): string {
  return `${set}/${value}`;
}
