import type { AxiosRequestConfig, AxiosResponse } from 'axios';
import type { z } from 'zod';
import {
  createHttpClient,
  type HttpClient,
  HttpPolicy,
  isAxiosError,
  mapWithConcurrency,
  parseResponse,
} from '@app/http';
import {
  BOOKER,
  BookerAuthError,
  BookerConflictError,
  BookerError,
  BookerNotFoundError,
  BookerValidationError,
} from './booker.errors.js';
import type {
  BookerBooking,
  BookerBuilding,
  BookerRoom,
  BookingInput,
  BookingWindow,
  CreatedBooking,
} from './booker.types.js';
import {
  appFieldErrors,
  bookingSchema,
  bookingsPageSchema,
  buildingsSchema,
  createdSchema,
  errorBodySchema,
  roomsSchema,
  tokenSchema,
  wireBooking,
} from './booker.wire.js';

export type * from './booker.types.js';
export {
  BookerAuthError,
  BookerConflictError,
  BookerError,
  BookerNotFoundError,
  BookerValidationError,
} from './booker.errors.js';

export interface BookerClientOptions {
  /** Booker's root (`https://booker.example.ac.uk`); a trailing `/api` is accepted too. */
  baseUrl: string;
  /** The service account; the password is never logged. */
  username: string;
  password: string;
  /** Bookings per page when listing, 1 to 500 (Booker's maximum). Default 500. */
  pageSize?: number;
  /** Pages of bookings read at once after the first (which gives the total). Default 4. */
  pageConcurrency?: number;
  /** Per request; see `HttpPolicy` for these. */
  timeoutMs?: number;
  /** One request with its retries. */
  deadlineMs?: number;
  maxAttempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  onRetry?: (info: { attempt: number; delayMs: number; status?: number; method: string }) => void;
  /** How to wait between attempts (tests record the delays instead). */
  sleep?: (ms: number) => Promise<void>;
  /** Clock (tests). */
  now?: () => number;
}

/**
 * A token is renewed this long before Booker says it expires (or half its life, if shorter), so no
 * call is sent with a dying one.
 */
const RENEW_BEFORE_MS = 30_000;

interface Session {
  token: Promise<string>;
  /** When to sign in again (ms): shortly before Booker said the token expires; Infinity until known. */
  renewAt: number;
}

/**
 * Booker's rooms, buildings and bookings. Safe to call concurrently: one sign-in at a time, shared
 * by every call; renewed shortly before it expires, and once more when Booker answers 401 to it.
 * Reads fail whole (`BookerError`, `UnexpectedResponseError` naming the field, a paging that does
 * not add up); a write's refusal is a typed error (`BookerConflictError` with the conflicting
 * bookings, `BookerNotFoundError`, `BookerValidationError` under the app's field names).
 *
 * Retries (`@app/http`): reads, updates and cancellations (GET, PUT, DELETE: repeating them is
 * harmless) after a 429, a 5xx or no answer; 429s honour `Retry-After`. A create (POST) whose answer
 * is lost (5xx, no answer) is not simply sent again: the client first looks for the booking by its
 * ExternalReference and returns it when found; only when it is absent is the create repeated. That
 * is safe because Booker keeps ExternalReference unique among live bookings, so a repeat of a
 * create that did land is refused, and then found, instead of booking the room twice.
 */
export class BookerClient {
  /** Timeouts, retries and the call counter of every request to Booker (sign-ins included). */
  readonly policy: HttpPolicy;
  private readonly http: HttpClient;
  private readonly pageSize: number;
  private readonly pageConcurrency: number;
  private readonly now: () => number;
  private session: Session | undefined;

  constructor(private readonly options: BookerClientOptions) {
    const root = options.baseUrl.replace(/\/+$/, '').replace(/\/api$/, '');
    this.pageSize = Math.min(500, Math.max(1, Math.trunc(options.pageSize ?? 500)));
    this.pageConcurrency = Math.max(1, Math.trunc(options.pageConcurrency ?? 4));
    this.now = options.now ?? Date.now;
    this.policy = new HttpPolicy({
      system: BOOKER,
      timeoutMs: options.timeoutMs,
      deadlineMs: options.deadlineMs,
      maxAttempts: options.maxAttempts,
      baseDelayMs: options.baseDelayMs,
      maxDelayMs: options.maxDelayMs,
      sleep: options.sleep,
      now: this.now,
    });
    this.http = createHttpClient({
      system: BOOKER,
      policy: this.policy,
      baseURL: `${root}/api/`,
      headers: { Accept: 'application/json' },
      onRetry: (info) =>
        options.onRetry?.({
          attempt: info.attempt,
          delayMs: info.delayMs,
          status: info.status,
          method: info.method,
        }),
    });
  }

  /** HTTP requests sent, retries and sign-ins included. */
  get calls(): number {
    return this.policy.calls;
  }

  listBuildings(): Promise<BookerBuilding[]> {
    return this.read('buildings', buildingsSchema, 'buildings list');
  }

  listRooms(): Promise<BookerRoom[]> {
    return this.read('rooms', roomsSchema, 'rooms list');
  }

  /**
   * Every booking overlapping the window, cancelled ones included, all pages read (the first, then
   * the rest a few at a time). Throws when the pages do not add up to the total Booker gave, or a
   * booking appears twice: a read that cannot be trusted is no read.
   *
   * `onPage` sees each page's bookings once it and the pages before it are in, in page order, a
   * turn of the event loop after the page arrived (by then the next page has been asked for, so the
   * caller's work on it overlaps that page's wait instead of delaying the request); until the
   * listing resolves, they are not known to add up. No page is handed over once a page has failed,
   * or once `onPage` has thrown: the listing then fails with that error.
   */
  async listBookings(
    window: BookingWindow,
    onPage?: (bookings: readonly BookerBooking[]) => void,
  ): Promise<BookerBooking[]> {
    for (const name of ['start', 'end'] as const)
      if (!/^\d{4}-\d{2}-\d{2}$/.test(window[name]))
        throw new RangeError(`Booker: window.${name} must be a YYYY-MM-DD date`);
    if (window.end < window.start) throw new RangeError('Booker: window.end is before window.start');
    const page = (n: number) => this.bookingsPage({ start: window.start, end: window.end }, n);
    // Pages handed to onPage in order, each a turn after its arrival (see above).
    const arrived = new Map<number, readonly BookerBooking[]>();
    let nextToSee = 1;
    let scheduled = false;
    /** The listing is over, or a page failed: nothing more is handed over. */
    let stopped = false;
    /** What onPage threw (the listing fails with it). */
    let onPageFailed: { error: unknown } | undefined;
    const deliver = (): void => {
      scheduled = false;
      if (stopped || onPage === undefined) return;
      for (let items = arrived.get(nextToSee); items !== undefined; items = arrived.get(nextToSee)) {
        arrived.delete(nextToSee);
        nextToSee += 1;
        try {
          onPage(items);
        } catch (error) {
          onPageFailed = { error };
          stopped = true;
          return;
        }
      }
    };
    const arrive = (n: number, items: readonly BookerBooking[]): void => {
      if (onPage === undefined) return;
      arrived.set(n, items);
      if (!scheduled) {
        scheduled = true;
        setImmediate(deliver);
      }
    };
    const first = await page(1);
    arrive(1, first.Items);
    const pages = Math.ceil(first.TotalCount / this.pageSize);
    let rest: z.output<typeof bookingsPageSchema>[];
    try {
      rest = await mapWithConcurrency(
        Array.from({ length: Math.max(0, pages - 1) }, (_, i) => i + 2),
        this.pageConcurrency,
        async (n) => {
          // (A failed page stops the handing over at once: the pages still in flight are waited
          // for, and the listing then fails.)
          if (onPageFailed !== undefined) throw onPageFailed.error; // no more pages asked for
          const answer = await page(n).catch((error: unknown) => {
            stopped = true;
            throw error;
          });
          arrive(n, answer.Items);
          return answer;
        },
      );
      deliver(); // what is still waiting, now
    } finally {
      stopped = true;
    }
    if (onPageFailed !== undefined) throw onPageFailed.error;
    const bookings = [first, ...rest].flatMap((answer) => answer.Items);
    const seen = new Set<number>();
    for (const booking of bookings) {
      if (seen.has(booking.id))
        throw new BookerError(
          'reading bookings',
          `booking ${booking.id} appears twice: the paging cannot be trusted`,
        );
      seen.add(booking.id);
    }
    const changed = [first, ...rest].find((answer) => answer.TotalCount !== first.TotalCount);
    if (bookings.length !== first.TotalCount || changed !== undefined) {
      throw new BookerError(
        'reading bookings',
        `the pages hold ${bookings.length} bookings where Booker counted ${first.TotalCount}` +
          `${changed === undefined ? '' : ` (then ${changed.TotalCount})`}: bookings changed while reading, try again`,
      );
    }
    return bookings;
  }

  /** The live (not cancelled) booking with this ExternalReference, or null; any date. */
  async findByExternalReference(externalReference: string): Promise<BookerBooking | null> {
    const answer = await this.bookingsPage({ externalReference }, 1);
    // The filter is this project's model of Booker (see the app README); a Booker that ignored it
    // would answer other bookings, so only an exact match counts.
    const live = answer.Items.filter(
      (booking) => booking.status !== 'Cancelled' && booking.externalReference === externalReference,
    );
    if (live.length > 1) {
      throw new BookerError(
        `looking up ExternalReference ${externalReference}`,
        `${live.length} live bookings have it (${live.map((b) => b.id).join(', ')})`,
      );
    }
    return live[0] ?? null;
  }

  /**
   * The booking with this id, cancelled ones too, whatever its dates; null when Booker has none
   * (404). Used for a linked booking the window's listing did not hold (moved away by someone).
   *
   * The by-id route is this project's model of Booker (see the app README), so a 404 is not taken
   * on its word when the booking's `externalReference` is given: it is confirmed by the lookup by
   * ExternalReference, whose live booking (this one, or another of ours with that reference) is
   * returned when there is one; null only when neither finds it.
   */
  async getBooking(id: number, externalReference?: string): Promise<BookerBooking | null> {
    assertId(id);
    let answer: AxiosResponse<unknown>;
    try {
      answer = await this.authorized((config) => this.http.get<unknown>(`booker/booking/${id}`, config));
    } catch (error) {
      if (isAxiosError(error) && error.response?.status === 404) {
        return externalReference === undefined ? null : this.findByExternalReference(externalReference);
      }
      throw bookerError(`reading booking ${id}`, error);
    }
    const booking = parseResponse(bookingSchema, answer.data, {
      system: BOOKER,
      response: `booking ${id}`,
      status: answer.status,
    });
    if (booking.id !== id)
      throw new BookerError(`reading booking ${id}`, `Booker answered with booking ${booking.id} instead`);
    return booking;
  }

  /** Creates a booking; a 409 throws `BookerConflictError` (see the class comment for lost answers). */
  async createBooking(input: BookingInput): Promise<CreatedBooking> {
    const operation = `creating booking ${input.externalReference}`;
    const clock = this.policy.startOperation();
    let lostAnswer = false;
    for (let attempt = 1; ; attempt++) {
      try {
        const answer = await this.authorized((config) =>
          this.http.post<unknown>('booker/booking', wireBooking(input), config),
        );
        const created = parseResponse(createdSchema, answer.data, {
          system: BOOKER,
          response: `answer to ${operation}`,
          status: answer.status,
        });
        return { id: created.OptimeIndex, foundAfterLostAnswer: false };
      } catch (error) {
        const status = isAxiosError(error) ? error.response?.status : undefined;
        const lost = isAxiosError(error) && (status === undefined || status >= 500);
        if (lost || lostAnswer) {
          // Did an attempt of ours land? Then that booking is the answer.
          const found = await this.findByExternalReference(input.externalReference);
          if (found !== null) return { id: found.id, foundAfterLostAnswer: true };
        }
        if (!lost) throw bookerError(operation, error);
        lostAnswer = true;
        const retryAfter = isAxiosError(error)
          ? (error.response?.headers['retry-after'] as string | undefined)
          : undefined;
        const delayMs = this.policy.retryDelay(attempt, { status, retryAfter, repeatable: true }, clock);
        if (delayMs === null) throw bookerError(operation, error);
        this.options.onRetry?.({ attempt, delayMs, status, method: 'post' });
        await this.policy.sleep(delayMs);
      }
    }
  }

  /** Replaces booking `id` with `input`; 404 `BookerNotFoundError`, 409 `BookerConflictError`. */
  async updateBooking(id: number, input: BookingInput): Promise<void> {
    assertId(id);
    const operation = `updating booking ${id}`;
    try {
      await this.authorized((config) =>
        this.http.put<unknown>(`booker/booking/${id}`, { OptimeIndex: id, ...wireBooking(input) }, config),
      );
    } catch (error) {
      throw bookerError(operation, error, id);
    }
  }

  /** Cancels booking `id` (its status becomes Cancelled; again is harmless); 404 `BookerNotFoundError`. */
  async cancelBooking(id: number): Promise<void> {
    assertId(id);
    try {
      await this.authorized((config) => this.http.delete<unknown>(`booker/booking/${id}`, config));
    } catch (error) {
      throw bookerError(`cancelling booking ${id}`, error, id);
    }
  }

  private async bookingsPage(
    filter: Record<string, string>,
    page: number,
  ): Promise<z.output<typeof bookingsPageSchema>> {
    const params = { ...filter, page, pageSize: this.pageSize };
    let answer: AxiosResponse<unknown>;
    try {
      answer = await this.authorized((config) =>
        // A page is hundreds of bookings, read 96 times a run for a term: decoded as it arrives.
        this.http.get<unknown>('booker/bookings', { ...config, params, decodeAsReceived: true }),
      );
    } catch (error) {
      throw bookerError(`reading bookings page ${page}`, error);
    }
    const parsed = parseResponse(bookingsPageSchema, answer.data, {
      system: BOOKER,
      response: `bookings page ${page}`,
      status: answer.status,
    });
    if (parsed.Page !== page || parsed.Items.length > this.pageSize) {
      throw new BookerError(
        `reading bookings page ${page}`,
        `Booker answered with page ${parsed.Page} instead`,
      );
    }
    return parsed;
  }

  private async read<S extends z.ZodType>(path: string, schema: S, response: string): Promise<z.output<S>> {
    let answer: AxiosResponse<unknown>;
    try {
      answer = await this.authorized((config) => this.http.get<unknown>(path, config));
    } catch (error) {
      throw bookerError(`reading the ${response}`, error);
    }
    return parseResponse(schema, answer.data, { system: BOOKER, response, status: answer.status });
  }

  /**
   * Sends a request with the current token; when Booker answers 401 (the token expired early, or
   * was revoked), signs in again (once for all the calls that met the same dead token) and sends
   * the request once more.
   */
  private async authorized<T>(send: (config: AxiosRequestConfig) => Promise<T>): Promise<T> {
    const session = this.currentSession();
    const config = async (s: Session): Promise<AxiosRequestConfig> => ({
      headers: { Authorization: `Bearer ${await s.token}` },
    });
    try {
      return await send(await config(session));
    } catch (error) {
      if (!isAxiosError(error) || error.response?.status !== 401) throw error;
      if (this.session === session) this.session = undefined;
      return send(await config(this.currentSession()));
    }
  }

  /** The session in use, signing in when there is none or it is about to expire. */
  private currentSession(): Session {
    const session = this.session;
    if (session !== undefined && session.renewAt > this.now()) return session;
    const fresh: Session = { token: Promise.resolve(''), renewAt: Number.POSITIVE_INFINITY };
    const signedInAt = this.now();
    fresh.token = this.signIn().then(
      ({ token, expires }) => {
        fresh.renewAt = expires - Math.min(RENEW_BEFORE_MS, Math.max(0, expires - signedInAt) / 2);
        return token;
      },
      (error: unknown) => {
        if (this.session === fresh) this.session = undefined;
        throw error;
      },
    );
    this.session = fresh;
    return fresh;
  }

  private async signIn(): Promise<{ token: string; expires: number }> {
    let answer: AxiosResponse<unknown>;
    try {
      // Signing in again is harmless (a second token), so a lost answer is retried.
      answer = await this.http.post<unknown>(
        'auth',
        { Username: this.options.username, Password: this.options.password },
        { retryUnsafe: true },
      );
    } catch (error) {
      const status = isAxiosError(error) ? error.response?.status : undefined;
      if (status === 401 || status === 403) {
        throw new BookerAuthError(
          'signing in',
          `the username or password was refused (HTTP ${status})`,
          status,
        );
      }
      throw bookerError('signing in', error);
    }
    const parsed = parseResponse(tokenSchema, answer.data, {
      system: BOOKER,
      response: 'sign-in answer',
      status: answer.status,
    });
    return { token: parsed.Token, expires: Date.parse(parsed.Expires) };
  }
}

function assertId(id: number): void {
  if (!Number.isSafeInteger(id) || id <= 0) throw new RangeError(`Booker: invalid booking id ${id}`);
}

/**
 * The typed error of a failed request: 409 conflict, 404, 400 field errors, else a BookerError with
 * the status or the network error. The AxiosError is not kept as the cause: its config holds the token.
 */
function bookerError(operation: string, error: unknown, bookingId?: number): BookerError {
  if (error instanceof BookerError) return error;
  if (!isAxiosError(error)) {
    return new BookerError(operation, error instanceof Error ? error.message : String(error), undefined, {
      cause: error,
    });
  }
  const status = error.response?.status;
  if (status === undefined) {
    return new BookerError(operation, `no answer (${error.code ?? 'network error'})`, undefined, {
      cause: new Error(`${error.code ?? 'ERR'}: ${error.message}`),
    });
  }
  const body = errorBodySchema.safeParse(error.response?.data);
  const message = body.success ? (body.data.Message ?? `HTTP ${status}`) : `HTTP ${status}`;
  if (status === 409)
    return new BookerConflictError(operation, body.data?.ConflictingBookings ?? [], message);
  if (status === 404 && bookingId !== undefined) return new BookerNotFoundError(operation, bookingId);
  if (status === 400)
    return new BookerValidationError(operation, appFieldErrors(body.data?.Errors ?? {}), message);
  if (status === 401)
    return new BookerAuthError(operation, `${message} (HTTP 401 after signing in again)`, 401);
  return new BookerError(operation, `HTTP ${status}: ${message}`, status);
}
