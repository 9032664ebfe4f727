import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

/** A fault to inject: requests matching `method` and `path` get `status` (for `times` requests, or forever). */
export interface FaultRule {
  method?: string;
  /** Matched against the request path; a string matches as a prefix. */
  path: string | RegExp;
  status: number;
  times?: number;
  retryAfterSeconds?: number;
  body?: unknown;
  /** Only requests whose query string contains this text match (for example `id_after=100`). */
  queryIncludes?: string;
}

/** Requests answered later than the rest (their latency on top of `latencyMs`), as usual otherwise. */
export interface SlowdownRule {
  method?: string;
  /** Matched against the request path; a string matches as a prefix. */
  path: string | RegExp;
  /** Only requests whose query string contains this text match (for example `page=2&`). */
  queryIncludes?: string;
  ms: number;
}

export interface RecordedCall {
  method: string;
  path: string;
  status: number;
}

/** Longest latency a simulator accepts (`/_sim/latency`): longer is a mistake, not a test. */
export const MAX_LATENCY_MS = 120_000;

/**
 * Behaviour shared by every simulator: injected latency, injected faults and a log of calls,
 * settable in-process (tests) or over HTTP under `/_sim/*` (local stack, benchmarks).
 */
export class SimulatorControl {
  latencyMs = 0;
  faults: FaultRule[] = [];
  slowdowns: SlowdownRule[] = [];
  calls: RecordedCall[] = [];

  addFault(rule: FaultRule): void {
    this.faults.push({ ...rule });
  }

  reset(): void {
    this.latencyMs = 0;
    this.faults = [];
    this.slowdowns = [];
    this.calls = [];
  }

  /** The latency of this request: `latencyMs` and the slowdowns it matches. */
  latencyOf(method: string, path: string, query: string): number {
    let ms = this.latencyMs;
    for (const rule of this.slowdowns)
      if (matches(method, path, query, rule.method, rule.path, rule.queryIncludes)) ms += rule.ms;
    return ms;
  }

  callCount(filter?: { method?: string; path?: string | RegExp }): number {
    return this.calls.filter((c) => matches(c.method, c.path, '', filter?.method, filter?.path)).length;
  }

  takeFault(method: string, path: string, query: string): FaultRule | undefined {
    const index = this.faults.findIndex((f) =>
      matches(method, path, query, f.method, f.path, f.queryIncludes),
    );
    if (index === -1) return undefined;
    const rule = this.faults[index];
    if (rule.times !== undefined) {
      rule.times -= 1;
      if (rule.times <= 0) this.faults.splice(index, 1);
    }
    return rule;
  }
}

function matches(
  method: string,
  path: string,
  query: string,
  wantMethod?: string,
  wantPath?: string | RegExp,
  queryIncludes?: string,
): boolean {
  if (wantMethod !== undefined && wantMethod.toUpperCase() !== method.toUpperCase()) return false;
  if (queryIncludes !== undefined && !query.includes(queryIncludes)) return false;
  if (wantPath === undefined) return true;
  return typeof wantPath === 'string' ? path.startsWith(wantPath) : wantPath.test(path);
}

/** Seed data (a file, or `POST /_sim/seed`) that does not have the simulator's shape; says where. */
export class SeedError extends Error {
  override readonly name = 'SeedError';
}

/**
 * Parses `json` with `schema`, or throws a SeedError listing each problem with its place
 * (`[3].state: Invalid input: expected string, received number`).
 */
export function parseSeedJson<T>(schema: z.ZodType<T>, json: unknown, what: string): T {
  const result = schema.safeParse(json);
  if (result.success) return result.data;
  const problems = result.error.issues.slice(0, 10).map((issue) => {
    const where = issue.path
      .map((key) => (typeof key === 'number' ? `[${key}]` : `.${String(key)}`))
      .join('')
      .replace(/^\./, '');
    // A bad record key says only "Invalid key in record"; the key's own rule says why.
    const message =
      issue.code === 'invalid_key' ? `not ${issue.issues[0]?.message ?? 'a valid key'}` : issue.message;
    return `${where === '' ? '(top level)' : where}: ${message}`;
  });
  const more = result.error.issues.length > 10 ? ` (and ${result.error.issues.length - 10} more)` : '';
  throw new SeedError(`${what} seed is not valid: ${problems.join('; ')}${more}`);
}

const faultRuleSchema = z.strictObject({
  method: z
    .string()
    .regex(/^[A-Za-z]+$/, 'an HTTP method')
    .optional(),
  path: z.string().startsWith('/', 'a path starting with /'),
  status: z.number().int().min(100).max(599),
  times: z.number().int().positive().optional(),
  retryAfterSeconds: z.number().int().nonnegative().optional(),
  body: z.unknown().optional(),
  queryIncludes: z.string().optional(),
});
const latencySchema = z.strictObject({ ms: z.number().int().min(0).max(MAX_LATENCY_MS) });

/** Hooks the `/_sim` routes call beyond the control's own latency, faults and call log. */
export interface SimulatorHooks {
  /**
   * `POST /_sim/seed`: replace the data with this JSON (throws SeedError when it does not fit); the
   * answer waits for a promise it returns (data kept in a database).
   */
  seed?: (json: unknown) => void | Promise<void>;
  /** `POST /_sim/reset`: also forget what the simulator keeps beyond the control (its own faults). */
  reset?: () => void;
  /** When set, `/_sim/*` needs `Authorization: Bearer <controlToken>` (401 otherwise). */
  controlToken?: string;
}

/**
 * An express app with the control routes under `/_sim` and the latency, fault and call-log
 * middleware installed in front of whatever routes the caller adds next:
 * - `GET /_sim/calls`: the last 1,000 calls, and how many in all;
 * - `POST /_sim/reset`: no latency, no faults, empty call log (data stays);
 * - `POST /_sim/latency` `{"ms": 50}`: every API call waits that long first;
 * - `POST /_sim/faults` `{"path": "/api/v4/users", "status": 503, "times": 2, "retryAfterSeconds": 1}`;
 * - `POST /_sim/seed` (with `hooks.seed`): replaces the data; the body is the simulator's seed JSON.
 * Bad input gets 400 `{"error": "..."}` naming the field. `/_sim` calls are neither delayed, faulted
 * nor logged.
 */
export function createSimulatorApp(
  control: SimulatorControl,
  name: string,
  hooks: SimulatorHooks = {},
): Express {
  const app = express();
  app.disable('x-powered-by');
  const sim = express.Router();
  sim.use((req: Request, res: Response, next: NextFunction) => {
    if (hooks.controlToken === undefined) return next();
    const given = /^Bearer (.+)$/i.exec(req.get('authorization') ?? '')?.[1] ?? '';
    if (!sameText(given, hooks.controlToken)) {
      res.status(401).json({ error: `${name} simulator: /_sim needs Authorization: Bearer <control token>` });
      return;
    }
    next();
  });
  sim.use(express.json({ limit: '200mb' }));
  sim.get('/calls', (_req, res) => {
    res.json({ simulator: name, count: control.calls.length, calls: control.calls.slice(-1000) });
  });
  sim.post('/reset', (_req, res) => {
    control.reset();
    hooks.reset?.();
    res.status(204).end();
  });
  sim.post('/latency', (req: Request, res: Response) => {
    const body = checked(latencySchema, req.body, 'latency', res);
    if (body === undefined) return;
    control.latencyMs = body.ms;
    res.status(204).end();
  });
  sim.post('/faults', (req: Request, res: Response) => {
    const rule = checked(faultRuleSchema, req.body, 'fault', res);
    if (rule === undefined) return;
    control.addFault(rule);
    res.status(204).end();
  });
  const seed = hooks.seed;
  if (seed !== undefined) {
    sim.post('/seed', async (req: Request, res: Response) => {
      try {
        await seed(req.body);
      } catch (error) {
        if (!(error instanceof SeedError)) throw error;
        res.status(400).json({ error: error.message });
        return;
      }
      res.status(204).end();
    });
  }
  sim.use((_req: Request, res: Response) => {
    res.status(404).json({ error: `${name} simulator: unknown /_sim route` });
  });
  sim.use((error: unknown, _req: Request, res: Response, next: NextFunction) => {
    const status = (error as { status?: unknown }).status;
    if (typeof status !== 'number' || status < 400 || status >= 500) return next(error);
    const type = (error as { type?: unknown }).type;
    res.status(status).json({
      error:
        type === 'entity.parse.failed'
          ? `${name} simulator: the body is not valid JSON`
          : `${name} simulator: ${(error as Error).message}`,
    });
  });
  app.use('/_sim', sim);

  app.use(express.json({ limit: '5mb' }));
  app.use((req: Request, res: Response, next: NextFunction) => {
    const query = req.originalUrl.includes('?')
      ? req.originalUrl.slice(req.originalUrl.indexOf('?') + 1)
      : '';
    res.on('finish', () =>
      control.calls.push({ method: req.method, path: req.path, status: res.statusCode }),
    );
    const respond = () => {
      const fault = control.takeFault(req.method, req.path, query);
      if (fault === undefined) return next();
      if (fault.retryAfterSeconds !== undefined)
        res.setHeader('Retry-After', String(fault.retryAfterSeconds));
      res
        .status(fault.status)
        .json(fault.body ?? { error: { code: fault.status, message: 'injected fault' } });
    };
    const latencyMs = control.latencyOf(req.method, req.path, query);
    if (latencyMs > 0) setTimeout(respond, latencyMs);
    else respond();
  });
  return app;
}

function checked<T>(schema: z.ZodType<T>, body: unknown, what: string, res: Response): T | undefined {
  try {
    return parseSeedJson(schema, body, what);
  } catch (error) {
    res.status(400).json({ error: (error as Error).message.replace(' seed is not valid', ' is not valid') });
    return undefined;
  }
}

function sameText(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export interface RunningSimulator {
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function listen(app: Express, port = 0, host = '127.0.0.1'): Promise<RunningSimulator> {
  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(port, host, (error?: Error) => (error ? reject(error) : resolve(s)));
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

export interface SimulatorBaseOptions {
  /** When set, the `/_sim` control routes need `Authorization: Bearer <controlToken>`. */
  controlToken?: string;
}

/**
 * The base every simulator extends: it keeps only its API (`routes`), its data (`seed`, and
 * `parseSeed` for JSON from a file or `POST /_sim/seed`) and its own faults (`resetFaults`); the
 * base brings start (any free port, or a given one), close, reset, injected latency and faults,
 * the call log and the `/_sim` control routes. `runSimulatorMain` (./simulator-main.ts) runs one
 * on its own.
 */
export abstract class Simulator<TSeed> {
  readonly control: SimulatorControl;
  private running: RunningSimulator | undefined;

  protected constructor(
    /** `gitlab`, `lookup`, `sheets`...: in errors, logs and `GET /_sim/calls`. */
    readonly name: string,
    options: SimulatorBaseOptions & { control?: SimulatorControl } = {},
  ) {
    this.control = options.control ?? new SimulatorControl();
    this.controlToken = options.controlToken;
  }

  private readonly controlToken: string | undefined;

  /** Replaces every record the simulator serves (a simulator whose data is in a database returns a promise). */
  abstract seed(data: TSeed): void | Promise<void>;

  /** Checks seed JSON (see `parseSeedJson`); throws SeedError saying what is wrong and where. */
  abstract parseSeed(json: unknown): TSeed;

  /** Installs the simulated API on `app` (after the control middleware). */
  protected abstract routes(app: Express): void;

  /** Forgets faults the simulator keeps beyond `control` (answer faults, paging defects...). */
  protected resetFaults(): void {}

  /** No latency, no faults, an empty call log; the data stays. */
  reset(): void {
    this.control.reset();
    this.resetFaults();
  }

  /** `seed(parseSeed(json))`. */
  seedJson(json: unknown): void | Promise<void> {
    return this.seed(this.parseSeed(json));
  }

  /** The whole app, not listening (for supertest, or to mount elsewhere). */
  createApp(): Express {
    const app = createSimulatorApp(this.control, this.name, {
      seed: (json) => this.seedJson(json),
      reset: () => this.resetFaults(),
      ...(this.controlToken === undefined ? {} : { controlToken: this.controlToken }),
    });
    this.routes(app);
    return app;
  }

  /** Listens on 127.0.0.1:`port` (0: any free port). A simulator runs once at a time. */
  async start(port = 0, host = '127.0.0.1'): Promise<RunningSimulator> {
    if (this.running !== undefined) throw new Error(`${this.name} simulator already started`);
    this.running = await this.serve(this.createApp(), port, host);
    return this.running;
  }

  /**
   * Makes `app` answer on `host:port`; a simulator that serves more than HTTP on its port (ELLA's
   * also carries PostgreSQL) puts its own listener here.
   */
  protected serve(app: Express, port: number, host: string): Promise<RunningSimulator> {
    return listen(app, port, host);
  }

  get started(): boolean {
    return this.running !== undefined;
  }

  /** `http://127.0.0.1:<port>`; throws before `start()`. */
  get url(): string {
    if (this.running === undefined) throw new Error(`${this.name} simulator not started`);
    return this.running.url;
  }

  get port(): number {
    if (this.running === undefined) throw new Error(`${this.name} simulator not started`);
    return this.running.port;
  }

  /** Stops listening and drops open connections; does nothing when not started. */
  async close(): Promise<void> {
    const running = this.running;
    this.running = undefined;
    await running?.close();
  }
}
