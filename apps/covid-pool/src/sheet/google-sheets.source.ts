import { retryDelayMs } from '@app/http';
import { sheets, type sheets_v4 } from '@googleapis/sheets';
import { GoogleAuth } from 'google-auth-library';
import { z } from 'zod';
import {
  type CallFailure,
  errorShape,
  googleError,
  unreadableKindOf,
  unreadableReason,
} from './google-sheets-failure.util.js';
import { WORKSHEETS, type RawWorkbook, type WorksheetName } from './sheet.types.js';
import {
  matchWorksheetTitles,
  SheetUnreadableError,
  type SheetSource,
  assertSpreadsheetId,
} from './sheet-source.js';

export const SHEETS_READONLY_SCOPE = 'https://www.googleapis.com/auth/spreadsheets.readonly';
const DEFAULT_API_URL = 'https://sheets.googleapis.com/';

/** Whatever the Google client accepts as `auth`: a GoogleAuth (application default credentials) or a client. */
export type SheetsAuth = NonNullable<sheets_v4.Options['auth']>;

export interface GoogleSheetsSourceOptions {
  /** Root URL of the Sheets API (a simulator locally); default https://sheets.googleapis.com/. */
  apiUrl?: string;
  /** Default: application default credentials with the spreadsheets.readonly scope. */
  auth?: SheetsAuth;
  /** Attempts per API call, the first included, for 429, 5xx, network errors and timeouts. Default 4. */
  maxAttempts?: number;
  /** First backoff delay, doubling per attempt with jitter; a Retry-After header wins. Default 500 ms. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Deadline for each API call, access token included. Default 20 s. */
  timeoutMs?: number;
  /** Named in the "no access" reason so administrators know whom to share the sheet with; found from the credentials when possible. */
  serviceAccountEmail?: string;
  /** Called before each retry (for logging). */
  onRetry?: (info: { spreadsheetId: string; attempt: number; delayMs: number; status?: number }) => void;
  /** How to wait between attempts (tests pass one that records the delay). */
  sleep?: (ms: number) => Promise<void>;
}

/**
 * A worksheet's cells as text (strings, numbers and booleans are what values.batchGet gives). Checked
 * by one loop rather than a zod schema per cell: a College sheet has thousands of cells, and a schema
 * per cell cost more CPU than the rest of reading the sheet.
 */
const cellRowsSchema = z.array(z.unknown()).transform((rows, ctx): string[][] => {
  const grid = new Array<string[]>(rows.length);
  for (let rowIndex = 0; rowIndex < rows.length; rowIndex++) {
    const row = rows[rowIndex];
    if (!Array.isArray(row)) {
      ctx.addIssue({ code: 'custom', message: 'a row is not an array', path: [rowIndex] });
      return z.NEVER;
    }
    const cells = new Array<string>(row.length);
    for (let columnIndex = 0; columnIndex < row.length; columnIndex++) {
      const cell: unknown = row[columnIndex];
      if (typeof cell === 'string') cells[columnIndex] = cell;
      else if (typeof cell === 'number' || typeof cell === 'boolean') cells[columnIndex] = String(cell);
      else {
        ctx.addIssue({ code: 'custom', message: 'a cell is not text', path: [rowIndex, columnIndex] });
        return z.NEVER;
      }
    }
    grid[rowIndex] = cells;
  }
  return grid;
});
const batchGetSchema = z.object({
  valueRanges: z.array(z.object({ values: cellRowsSchema.optional() })).optional(),
});
const metadataSchema = z.object({
  sheets: z.array(z.object({ properties: z.object({ title: z.string() }).optional() })).optional(),
});

class CallFailed extends Error {
  constructor(readonly failure: CallFailure) {
    super(failure.detail, { cause: failure.cause });
  }
}

/**
 * Reads a College sheet from Google Sheets with ONE values:batchGet call for the three worksheets.
 * The API refuses a whole batchGet when one range names a missing worksheet ("Unable to parse range"),
 * so on that answer it lists the spreadsheet's worksheets and fetches only those that exist; the
 * missing one stays undefined and validation reports it. The Google client's own retry is off:
 * retries (429, 5xx, network errors, timeouts) happen here, with backoff that honours Retry-After.
 */
export class GoogleSheetsSource implements SheetSource {
  private readonly client: sheets_v4.Sheets;
  private readonly auth: SheetsAuth;
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly timeoutMs: number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly options: GoogleSheetsSourceOptions = {}) {
    this.auth = options.auth ?? new GoogleAuth({ scopes: [SHEETS_READONLY_SCOPE] });
    const rootUrl = (options.apiUrl ?? DEFAULT_API_URL).replace(/\/*$/, '/');
    this.client = sheets({ version: 'v4', auth: this.auth, rootUrl });
    this.maxAttempts = Math.max(1, options.maxAttempts ?? 4);
    this.baseDelayMs = options.baseDelayMs ?? 500;
    this.maxDelayMs = options.maxDelayMs ?? 30_000;
    this.timeoutMs = options.timeoutMs ?? 20_000;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  async read(spreadsheetId: string): Promise<RawWorkbook> {
    assertSpreadsheetId(spreadsheetId);
    try {
      try {
        return await this.batchGet(spreadsheetId, Object.fromEntries(WORKSHEETS.map((name) => [name, name])));
      } catch (error) {
        if (!isMissingRange(error)) throw error;
      }
      const titles = matchWorksheetTitles(await this.worksheetTitles(spreadsheetId));
      if (Object.keys(titles).length === 0) return { worksheets: {} };
      try {
        return await this.batchGet(spreadsheetId, titles);
      } catch (error) {
        if (!isMissingRange(error)) throw error;
        throw new CallFailed({
          kind: 'answer',
          status: 400,
          detail: 'the worksheets were renamed or deleted while the sheet was being read; try again',
          attempts: 1,
          cause: error,
        });
      }
    } catch (error) {
      if (!(error instanceof CallFailed)) throw error;
      const { failure } = error;
      const kind = unreadableKindOf(failure);
      const shareWith = kind === 'no_access' ? await this.serviceAccountEmail() : undefined;
      throw new SheetUnreadableError(
        spreadsheetId,
        unreadableReason(failure, { timeoutMs: this.timeoutMs, shareWith }),
        kind,
        { status: failure.status, cause: failure.cause },
      );
    }
  }

  /** One batchGet for the given worksheets (canonical name -> title in the spreadsheet). */
  private async batchGet(
    spreadsheetId: string,
    titles: Partial<Record<WorksheetName, string>>,
  ): Promise<RawWorkbook> {
    const names = WORKSHEETS.filter((name) => titles[name] !== undefined);
    const ranges = names.map((name) => a1Title(titles[name] ?? name));
    const response = await this.call(spreadsheetId, (signal) =>
      this.client.spreadsheets.values.batchGet(
        { spreadsheetId, ranges, majorDimension: 'ROWS', valueRenderOption: 'FORMATTED_VALUE' },
        { retry: false, signal },
      ),
    );
    const parsed = batchGetSchema.safeParse(response.data);
    const valueRanges = parsed.data?.valueRanges ?? [];
    if (!parsed.success || valueRanges.length !== names.length) {
      throw new CallFailed({
        kind: 'answer',
        detail: 'unexpected batchGet answer',
        attempts: 1,
        cause: parsed.error,
      });
    }
    const raw: RawWorkbook = { worksheets: {} };
    names.forEach((name, index) => {
      raw.worksheets[name] = valueRanges[index]?.values ?? [];
    });
    return raw;
  }

  private async worksheetTitles(spreadsheetId: string): Promise<string[]> {
    const response = await this.call(spreadsheetId, (signal) =>
      this.client.spreadsheets.get(
        { spreadsheetId, fields: 'sheets.properties.title' },
        { retry: false, signal },
      ),
    );
    const parsed = metadataSchema.safeParse(response.data);
    if (!parsed.success) {
      throw new CallFailed({
        kind: 'answer',
        detail: 'unexpected metadata answer',
        attempts: 1,
        cause: parsed.error,
      });
    }
    return (parsed.data.sheets ?? []).flatMap((sheet) => (sheet.properties ? [sheet.properties.title] : []));
  }

  /** Runs one API call with a deadline, retrying what is worth retrying; throws CallFailed. */
  private async call<T>(spreadsheetId: string, request: (signal: AbortSignal) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.withDeadline(request);
      } catch (error) {
        const failure = this.classify(error, attempt);
        const retryable =
          failure.kind === 'network' ||
          failure.kind === 'timeout' ||
          (failure.status !== undefined && (failure.status === 429 || failure.status >= 500));
        if (!retryable || attempt >= this.maxAttempts) throw new CallFailed(failure);
        const delayMs = retryDelayMs(attempt, failure.retryAfter, this.baseDelayMs, this.maxDelayMs);
        if (delayMs === null) throw new CallFailed(failure);
        this.options.onRetry?.({ spreadsheetId, attempt, delayMs, status: failure.status });
        await this.sleep(delayMs);
      }
    }
  }

  private async withDeadline<T>(request: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    // The race also covers fetching the access token, which the signal does not reach.
    const deadline = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(new DeadlineExceeded());
      }, this.timeoutMs);
    });
    try {
      return await Promise.race([request(controller.signal), deadline]);
    } finally {
      clearTimeout(timer);
    }
  }

  private classify(error: unknown, attempts: number): CallFailure {
    if (error instanceof DeadlineExceeded)
      return { kind: 'timeout', detail: 'timeout', attempts, cause: error };
    const shape = errorShape(error);
    if (shape.status !== undefined) {
      const body = googleError(shape.data);
      const fromSheets = shape.url === undefined || /\/v4\/spreadsheets\//.test(shape.url);
      return {
        kind: fromSheets ? 'http' : 'token',
        status: shape.status,
        detail: body?.message ?? `HTTP ${shape.status}`,
        googleReason: body?.reason,
        retryAfter: shape.retryAfter,
        attempts,
        cause: error,
      };
    }
    if (shape.isHttpClientError) {
      return { kind: 'network', detail: shape.code ?? 'no answer', attempts, cause: error };
    }
    // Not an HTTP failure: the credentials could not be found or loaded.
    return {
      kind: 'credentials',
      detail: error instanceof Error ? error.message : String(error),
      attempts,
      cause: error,
    };
  }

  private async serviceAccountEmail(): Promise<string | undefined> {
    if (this.options.serviceAccountEmail !== undefined) return this.options.serviceAccountEmail;
    if (!(this.auth instanceof GoogleAuth)) return undefined;
    const auth = this.auth;
    try {
      const credentials = await this.withDeadline(() => auth.getCredentials());
      return credentials.client_email ?? undefined;
    } catch {
      return undefined;
    }
  }
}

class DeadlineExceeded extends Error {}

/** A worksheet title in A1 notation: quoted unless it is plain letters, digits and '_'. */
function a1Title(title: string): string {
  return /^[A-Za-z0-9_]+$/.test(title) ? title : `'${title.replaceAll("'", "''")}'`;
}

function isMissingRange(error: unknown): boolean {
  return (
    error instanceof CallFailed &&
    error.failure.kind === 'http' &&
    error.failure.status === 400 &&
    /unable to parse range/i.test(error.failure.detail)
  );
}
