import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';

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

export interface RecordedCall {
  method: string;
  path: string;
  status: number;
}

/**
 * Behaviour shared by every simulator: injected latency, injected faults and a log of calls,
 * settable in-process (tests) or over HTTP under `/_sim/*` (local stack, benchmarks).
 */
export class SimulatorControl {
  latencyMs = 0;
  faults: FaultRule[] = [];
  calls: RecordedCall[] = [];

  addFault(rule: FaultRule): void {
    this.faults.push({ ...rule });
  }

  reset(): void {
    this.latencyMs = 0;
    this.faults = [];
    this.calls = [];
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

/** An express app with the control middleware and `/_sim` endpoints installed. */
export function createSimulatorApp(control: SimulatorControl, name: string): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: '5mb' }));
  app.get('/_sim/calls', (_req, res) => {
    res.json({ simulator: name, count: control.calls.length, calls: control.calls.slice(-1000) });
  });
  app.post('/_sim/reset', (_req, res) => {
    control.reset();
    res.status(204).end();
  });
  app.post('/_sim/latency', (req: Request, res: Response) => {
    const body = req.body as { ms?: unknown };
    control.latencyMs = Number(body.ms ?? 0);
    res.status(204).end();
  });
  app.post('/_sim/faults', (req: Request, res: Response) => {
    const rule = req.body as FaultRule;
    control.addFault(rule);
    res.status(204).end();
  });
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
    if (control.latencyMs > 0) setTimeout(respond, control.latencyMs);
    else respond();
  });
  return app;
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
