import { timingSafeEqual } from 'node:crypto';
import express, { type Express, type Request, type Response } from 'express';
import { z } from 'zod';
import { parseSeedJson, Simulator, type SimulatorBaseOptions } from '../common/simulator.js';

/**
 * The storage backend that storage-gateway provisions research storage on. Its real interface is
 * not public; this is the model apps/storage-gateway/src/backend/storage-backend.client.ts speaks,
 * and the only other place its paths appear. JSON under `/api/v1`, `Authorization: Bearer <token>`:
 *
 * - `GET  /api/v1/allocations/{ref}` → `{ref, product, quotaTb, access, projects: [{name, managers, users}]}`, 404
 * - `PUT  /api/v1/allocations/{ref}` `{product, quotaTb, access}`: create, or set (idempotent)
 * - `PUT  /api/v1/allocations/{ref}/quota` `{quotaTb}`
 * - `PUT  /api/v1/allocations/{ref}/access` `{access: "read-write" | "read-only" | "none"}`
 * - `PUT  /api/v1/allocations/{ref}/projects/{name}` `{managers: [email], users: [email]}`: create or set groups
 *
 * Errors: `{"error": {"code", "message"}}` with 400 `invalid`, 401 `unauthorised`, 404 `not_found`,
 * 409 `quota_below_usage` (a quota below what is stored). Every write is idempotent: sending it
 * again changes nothing.
 */
export const ACCESS_LEVELS = ['read-write', 'read-only', 'none'] as const;

export interface SimAllocation {
  ref: string;
  product: string;
  quotaTb: number;
  usedTb: number;
  access: (typeof ACCESS_LEVELS)[number];
  projects: { name: string; managers: string[]; users: string[] }[];
}

const ref = z.string().regex(/^[A-Z0-9][A-Z0-9-]{1,39}$/, 'an allocation reference');
const allocationSchema = z.strictObject({
  ref,
  product: z.string().min(1),
  quotaTb: z.number().int().min(1),
  usedTb: z.number().min(0).default(0),
  access: z.enum(ACCESS_LEVELS),
  projects: z
    .array(
      z.strictObject({ name: z.string().min(1), managers: z.array(z.string()), users: z.array(z.string()) }),
    )
    .default([]),
});
const seedSchema = z.array(allocationSchema);

const putAllocation = z.strictObject({
  product: z.string().min(1).max(16),
  quotaTb: z.number().int().min(1).max(100_000),
  access: z.enum(ACCESS_LEVELS),
});
const putQuota = z.strictObject({ quotaTb: z.number().int().min(1).max(100_000) });
const putAccess = z.strictObject({ access: z.enum(ACCESS_LEVELS) });
const email = z.email().max(254);
const putProject = z.strictObject({ managers: z.array(email).max(500), users: z.array(email).max(5000) });
const projectName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'a project name (lower case letters, digits, - and _)');

export interface StorageBackendSimulatorOptions extends SimulatorBaseOptions {
  token: string;
}

export class StorageBackendSimulator extends Simulator<readonly SimAllocation[]> {
  private allocations = new Map<string, SimAllocation>();

  constructor(readonly options: StorageBackendSimulatorOptions) {
    super('storage-backend', options);
  }

  seed(data: readonly SimAllocation[]): void {
    this.allocations = new Map(data.map((a) => [a.ref, structuredClone(a)]));
  }

  parseSeed(json: unknown): SimAllocation[] {
    return parseSeedJson(seedSchema, json, 'storage backend simulator');
  }

  /** What the backend holds now (tests read it). */
  allocation(reference: string): SimAllocation | undefined {
    const found = this.allocations.get(reference);
    return found === undefined ? undefined : structuredClone(found);
  }

  /** Sets what is stored in an allocation (a quota below it is refused). */
  setUsage(reference: string, usedTb: number): void {
    const found = this.allocations.get(reference);
    if (found !== undefined) found.usedTb = usedTb;
  }

  protected routes(app: Express): void {
    const api = express.Router();
    api.use((req: Request, res: Response, next) => {
      const given = /^Bearer (.+)$/i.exec(req.get('authorization') ?? '')?.[1] ?? '';
      if (!same(given, this.options.token)) {
        fail(res, 401, 'unauthorised', 'a valid bearer token is required');
        return;
      }
      next();
    });
    api.get('/allocations/:ref', (req, res) => {
      const found = this.allocations.get(String(req.params['ref']));
      if (found === undefined)
        return fail(res, 404, 'not_found', `no allocation ${String(req.params['ref'])}`);
      res.json(view(found));
    });
    api.put('/allocations/:ref', (req, res) => {
      const key = parse(ref, req.params['ref'], res, 'ref');
      const body = parse(putAllocation, req.body, res);
      if (key === undefined || body === undefined) return;
      const existing = this.allocations.get(key);
      if (existing !== undefined && body.quotaTb < existing.usedTb) return belowUsage(res, existing);
      const next: SimAllocation =
        existing === undefined ? { ref: key, usedTb: 0, projects: [], ...body } : { ...existing, ...body };
      this.allocations.set(key, next);
      res.status(existing === undefined ? 201 : 200).json(view(next));
    });
    api.put('/allocations/:ref/quota', (req, res) => {
      const found = this.allocations.get(String(req.params['ref']));
      const body = parse(putQuota, req.body, res);
      if (body === undefined) return;
      if (found === undefined)
        return fail(res, 404, 'not_found', `no allocation ${String(req.params['ref'])}`);
      if (body.quotaTb < found.usedTb) return belowUsage(res, found);
      found.quotaTb = body.quotaTb;
      res.json(view(found));
    });
    api.put('/allocations/:ref/access', (req, res) => {
      const found = this.allocations.get(String(req.params['ref']));
      const body = parse(putAccess, req.body, res);
      if (body === undefined) return;
      if (found === undefined)
        return fail(res, 404, 'not_found', `no allocation ${String(req.params['ref'])}`);
      found.access = body.access;
      res.json(view(found));
    });
    api.put('/allocations/:ref/projects/:name', (req, res) => {
      const found = this.allocations.get(String(req.params['ref']));
      const name = parse(projectName, req.params['name'], res, 'name');
      const body = parse(putProject, req.body, res);
      if (name === undefined || body === undefined) return;
      if (found === undefined)
        return fail(res, 404, 'not_found', `no allocation ${String(req.params['ref'])}`);
      const project = {
        name,
        managers: [...new Set(body.managers)].sort(),
        users: [...new Set(body.users)].sort(),
      };
      const index = found.projects.findIndex((p) => p.name === name);
      if (index === -1) found.projects.push(project);
      else found.projects[index] = project;
      res.json(view(found));
    });
    api.use((_req, res) => fail(res, 404, 'not_found', 'no such route'));
    app.use('/api/v1', api);
  }
}

function view(a: SimAllocation) {
  return {
    ref: a.ref,
    product: a.product,
    quotaTb: a.quotaTb,
    usedTb: a.usedTb,
    access: a.access,
    projects: a.projects,
  };
}

function fail(res: Response, status: number, code: string, message: string): void {
  res.status(status).json({ error: { code, message } });
}

function belowUsage(res: Response, a: SimAllocation): void {
  fail(res, 409, 'quota_below_usage', `${a.ref} holds ${a.usedTb} TB`);
}

function parse<T>(schema: z.ZodType<T>, value: unknown, res: Response, field?: string): T | undefined {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = field ?? (issue?.path.join('.') || '(body)');
  fail(res, 400, 'invalid', `${where}: ${issue?.message ?? 'invalid'}`);
  return undefined;
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
