import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Express, NextFunction, Request, Response } from 'express';
import { z } from 'zod';
import { parseSeedJson, Simulator, type SimulatorBaseOptions } from '../common/simulator.js';
import {
  type BookerSeed,
  bookerSeedSchema,
  bookingInputSchema,
  bookingStatusSchema,
  type SimBooking,
  type SimBookingInput,
} from './booker-data.js';
import { type BookerRefusal, BookerStore } from './booker-store.js';

export type { BookerSeed, SimBooking, SimBookerBuilding, SimBookerRoom } from './booker-data.js';

export interface BookerSimulatorOptions extends SimulatorBaseOptions {
  username: string;
  password: string;
  /** How long a token lives. Default one hour. */
  tokenTtlMs?: number;
  /** Clock (tests). */
  now?: () => number;
}

/** Largest `pageSize` Booker accepts. */
export const BOOKER_MAX_PAGE_SIZE = 500;
const DEFAULT_PAGE_SIZE = 100;

const authBodySchema = z.strictObject({ Username: z.string(), Password: z.string() });
/** PUT sends the whole booking: its id, status and author may come along (and are not changed). */
const updateBodySchema = bookingInputSchema.extend({
  OptimeIndex: z.number().int().optional(),
  Status: bookingStatusSchema.optional(),
  CreatedBy: z.string().optional(),
});
const dateSchema = z.iso.date();

/**
 * A stand-in for Booker (EventMap), whose API is not public, speaking the model this project uses
 * (PascalCase JSON; the paths live here and in essm-sync's Booker client only):
 * - `POST /api/auth` `{Username, Password}` → `{Token, Expires}`; 401 `{Message}`. Every other call
 *   needs `Authorization: Bearer <Token>`: 401 `{Message}` when missing, unknown or expired.
 * - `GET /api/buildings`, `GET /api/rooms`.
 * - `GET /api/booker/bookings?start=YYYY-MM-DD&end=YYYY-MM-DD&page=N&pageSize=M`: bookings
 *   overlapping those days (UTC, both included), cancelled ones too, in id order, `pageSize` at most
 *   500 → `{Items, Page, PageSize, TotalCount}`. `externalReference=X` (this project's addition to
 *   the model) lists the bookings with that reference instead, any date.
 * - `GET /api/booker/booking/{id}` → the booking (cancelled ones too); 404 `{Message}` when there is
 *   none (this project's addition to the model: a booking looked up by id, whatever its dates).
 * - `POST /api/booker/booking` → 201 `{OptimeIndex}`; `PUT /api/booker/booking/{id}` (the whole
 *   booking) → 200; `DELETE /api/booker/booking/{id}` → 200, the booking's Status becomes Cancelled.
 *   400 `{Message, Errors: {Field: [text]}}` for bad fields, a room that is not bookable or an
 *   ExternalReference a live booking already has; 404 `{Message}`; 409 `{Message,
 *   ConflictingBookings: [id]}` when the room has an overlapping booking that is not cancelled.
 * Latency, 429 with Retry-After and 5xx come from `SimulatorControl`'s faults; `expireTokens`,
 * `cancelByHand`, `deleteByHand`, `moveByHand` and `addForeignBooking` change things as people in
 * Booker would.
 */
export class BookerSimulator extends Simulator<BookerSeed> {
  private store = new BookerStore({ buildings: [], rooms: [], bookings: [] });
  private readonly tokens = new Map<string, { username: string; expires: number }>();
  private readonly username: string;
  private readonly password: string;
  private readonly tokenTtlMs: number;
  private readonly now: () => number;
  private listing: { key: string; version: number; items: SimBooking[] } | undefined;
  /** Tokens handed out by `POST /api/auth`. */
  tokensIssued = 0;
  /** Creates still to be made but answered 503 (`loseCreateAnswers`). */
  private lostCreateAnswers = 0;

  constructor(options: BookerSimulatorOptions) {
    super('booker', options);
    this.username = options.username;
    this.password = options.password;
    this.tokenTtlMs = options.tokenTtlMs ?? 3_600_000;
    this.now = options.now ?? Date.now;
  }

  seed(data: BookerSeed): void {
    this.store = new BookerStore(data);
    this.listing = undefined;
  }

  parseSeed(json: unknown): BookerSeed {
    return parseSeedJson(bookerSeedSchema, json, 'Booker simulator');
  }

  /** A copy of everything the simulator holds now, as seed data. */
  data(): BookerSeed {
    return this.store.toSeed();
  }

  /** Every booking (copies), cancelled ones included, in id order. */
  bookings(): SimBooking[] {
    return [...this.store.bookings.values()]
      .map((booking) => ({ ...booking }))
      .sort((a, b) => a.OptimeIndex - b.OptimeIndex);
  }

  booking(id: number): SimBooking | undefined {
    const booking = this.store.bookings.get(id);
    return booking === undefined ? undefined : { ...booking };
  }

  /** Every token handed out so far stops working (as when they expire). */
  expireTokens(): void {
    this.tokens.clear();
  }

  /** Someone cancels a booking in Booker. */
  cancelByHand(id: number): void {
    const result = this.store.cancel(id);
    if ('status' in result && typeof result.status === 'number')
      throw new Error(`Booker simulator: ${result.message}`);
  }

  /** Someone deletes a booking in Booker: it is no longer listed at all. */
  deleteByHand(id: number): void {
    if (!this.store.delete(id)) throw new Error(`Booker simulator: no booking ${id}`);
  }

  /** Someone moves a booking in Booker to other times (overlap checks apply). */
  moveByHand(id: number, start: string, end: string): void {
    this.editByHand(id, { StartTime: start, EndTime: end });
  }

  /** Someone edits a booking in Booker (its title, its ExternalReference...; overlap checks apply). */
  editByHand(id: number, changes: Partial<z.input<typeof bookingInputSchema>>): void {
    const existing = this.store.bookings.get(id);
    if (existing === undefined) throw new Error(`Booker simulator: no booking ${id}`);
    const { OptimeIndex: _id, Status: _status, CreatedBy: _author, ...input } = existing;
    const result = this.store.update(id, bookingInputSchema.parse({ ...input, ...changes }));
    if (isRefusal(result)) throw new Error(`Booker simulator: ${result.message}`);
  }

  /** Someone else books a room (overlap checks apply); returns the new booking's id. */
  addForeignBooking(input: z.input<typeof bookingInputSchema>, author = 'someone.else'): number {
    const result = this.store.create(bookingInputSchema.parse(input), author);
    if (isRefusal(result)) throw new Error(`Booker simulator: ${result.message}`);
    return result.OptimeIndex;
  }

  /** The next `count` creates are made, but answered 503 as if Booker failed afterwards. */
  loseCreateAnswers(count: number): void {
    this.lostCreateAnswers = count;
  }

  protected override resetFaults(): void {
    this.lostCreateAnswers = 0;
  }

  protected routes(app: Express): void {
    app.post('/api/auth', (req, res) => this.authenticate(req, res));
    app.use('/api', (req: Request, res: Response, next: NextFunction) => {
      const token = /^Bearer (.+)$/i.exec(req.get('authorization') ?? '')?.[1];
      const session = token === undefined ? undefined : this.tokens.get(token);
      if (session === undefined || session.expires <= this.now()) {
        if (token !== undefined) this.tokens.delete(token);
        res
          .status(401)
          .json({ Message: token === undefined ? 'Authorization required' : 'Token expired or invalid' });
        return;
      }
      res.locals['username'] = session.username;
      next();
    });
    app.get('/api/buildings', (_req, res) => {
      res.json(this.store.buildings);
    });
    app.get('/api/rooms', (_req, res) => {
      res.json([...this.store.rooms.values()]);
    });
    app.get('/api/booker/bookings', (req, res) => this.listBookings(req, res));
    app.get('/api/booker/booking/:id', (req, res) => {
      const booking = this.store.bookings.get(Number(req.params['id']));
      if (booking === undefined) res.status(404).json({ Message: `Booking ${req.params['id']} not found` });
      else res.json(booking);
    });
    app.post('/api/booker/booking', (req, res) => {
      const input = this.input(bookingInputSchema, req, res);
      if (input === undefined) return;
      this.answer(res, this.store.create(input, res.locals['username'] as string), (booking) => {
        if (this.lostCreateAnswers > 0) {
          this.lostCreateAnswers -= 1;
          res.status(503).json({ Message: 'Service unavailable' });
          return;
        }
        res.status(201).json({ OptimeIndex: booking.OptimeIndex });
      });
    });
    app.put('/api/booker/booking/:id', (req, res) => {
      const id = Number(req.params['id']);
      const input = this.input(updateBodySchema, req, res);
      if (input === undefined) return;
      if (input.OptimeIndex !== undefined && input.OptimeIndex !== id) {
        refuse(res, {
          status: 400,
          message: 'Validation failed',
          errors: { OptimeIndex: ['does not match the path'] },
        });
        return;
      }
      const { OptimeIndex: _id, Status: _status, CreatedBy: _author, ...booking } = input;
      this.answer(res, this.store.update(id, booking), (updated) => res.status(200).json(updated));
    });
    app.delete('/api/booker/booking/:id', (req, res) => {
      this.answer(res, this.store.cancel(Number(req.params['id'])), () => res.status(200).end());
    });
    app.use('/api', (_req: Request, res: Response) => {
      res.status(404).json({ Message: 'Not found' });
    });
    app.use('/api', (error: unknown, _req: Request, res: Response, next: NextFunction) => {
      const status = (error as { status?: unknown }).status;
      if (typeof status !== 'number' || status < 400 || status >= 500) return next(error);
      res.status(400).json({ Message: 'The request body is not valid JSON', Errors: {} });
    });
  }

  private authenticate(req: Request, res: Response): void {
    const body = authBodySchema.safeParse(req.body);
    if (
      !body.success ||
      !sameText(body.data.Username, this.username) ||
      !sameText(body.data.Password, this.password)
    ) {
      res.status(401).json({ Message: 'Invalid username or password' });
      return;
    }
    const token = randomBytes(24).toString('base64url');
    const expires = this.now() + this.tokenTtlMs;
    this.tokens.set(token, { username: body.data.Username, expires });
    this.tokensIssued += 1;
    res.json({ Token: token, Expires: new Date(expires).toISOString() });
  }

  private listBookings(req: Request, res: Response): void {
    const query = new URL(req.originalUrl, 'http://simulator').searchParams;
    const errors: Record<string, string[]> = {};
    const page = Number(query.get('page') ?? '1');
    const pageSize = Number(query.get('pageSize') ?? String(DEFAULT_PAGE_SIZE));
    if (!Number.isInteger(page) || page < 1) errors['page'] = ['must be a whole number of 1 or more'];
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > BOOKER_MAX_PAGE_SIZE)
      errors['pageSize'] = [`must be a whole number from 1 to ${BOOKER_MAX_PAGE_SIZE}`];
    const reference = query.get('externalReference');
    const start = query.get('start');
    const end = query.get('end');
    if (reference === null) {
      if (start === null || !dateSchema.safeParse(start).success)
        errors['start'] = ['must be a YYYY-MM-DD date'];
      if (end === null || !dateSchema.safeParse(end).success) errors['end'] = ['must be a YYYY-MM-DD date'];
      else if (start !== null && end < start) errors['end'] = ['must not be before start'];
    }
    if (Object.keys(errors).length > 0) {
      refuse(res, { status: 400, message: 'Validation failed', errors });
      return;
    }
    let items: SimBooking[];
    if (reference !== null) {
      items = this.store.withReference(reference);
    } else {
      // Offset paging over one window: listed once per change of the data, not once per page.
      const key = `${start}/${end}`;
      if (this.listing?.key !== key || this.listing.version !== this.store.version) {
        const from = Date.parse(`${start}T00:00:00Z`);
        const to = Date.parse(`${end}T00:00:00Z`) + 86_400_000;
        this.listing = { key, version: this.store.version, items: this.store.overlapping(from, to) };
      }
      items = this.listing.items;
    }
    res.json({
      Items: items.slice((page - 1) * pageSize, page * pageSize),
      Page: page,
      PageSize: pageSize,
      TotalCount: items.length,
    });
  }

  private input<S extends z.ZodType>(schema: S, req: Request, res: Response): z.output<S> | undefined {
    const parsed = schema.safeParse(req.body);
    if (parsed.success) return parsed.data;
    const errors: Record<string, string[]> = {};
    for (const issue of parsed.error.issues) {
      const field = issue.path.length === 0 ? '(body)' : issue.path.map(String).join('.');
      (errors[field] ??= []).push(issue.message);
    }
    refuse(res, { status: 400, message: 'Validation failed', errors });
    return undefined;
  }

  private answer(res: Response, result: SimBooking | BookerRefusal, ok: (booking: SimBooking) => void): void {
    if (isRefusal(result)) refuse(res, result);
    else ok(result);
  }
}

function isRefusal(result: SimBooking | BookerRefusal): result is BookerRefusal {
  return 'status' in result && typeof result.status === 'number';
}

function refuse(res: Response, refusal: BookerRefusal): void {
  switch (refusal.status) {
    case 400:
      res.status(400).json({ Message: refusal.message, Errors: refusal.errors });
      return;
    case 404:
      res.status(404).json({ Message: refusal.message });
      return;
    case 409:
      res.status(409).json({ Message: refusal.message, ConflictingBookings: refusal.conflicting });
      return;
  }
}

function sameText(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export type { SimBookingInput };
