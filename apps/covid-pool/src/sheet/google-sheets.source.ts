import { AttemptTimeoutError, HttpPolicy, type OperationClock, withAttemptTimeout } from '@app/http';
import { sheets, type sheets_v4 } from '@googleapis/sheets';
import { GoogleAuth, JWT } from 'google-auth-library';
import { z } from 'zod';
import { googleAuthFromFile } from './google-credentials.js';
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
const SYSTEM = 'Google Sheets';

/** Whatever the Google client accepts as `auth`: a GoogleAuth (application default credentials) or a client. */
export type SheetsAuth = NonNullable<sheets_v4.Options['auth']>;

export interface GoogleSheetsSourceOptions {
  /** Root URL of the Sheets API (a simulator locally); default https://sheets.googleapis.com/. */
  apiUrl?: string;
  /**
   * Default: application default credentials (GOOGLE_APPLICATION_CREDENTIALS, or the Cloud Run
   * service account) with the spreadsheets.readonly scope.
   */
  auth?: SheetsAuth;
  /** Instead of `auth`: a service account key or external_account file (see `googleAuthFromFile`). */
  credentialsFile?: string;
  /**
   * The HTTP policy of every Sheets call (timeouts, deadline, retries, call counter); by default one
   * made from the options below.
   */
  policy?: HttpPolicy;
  /** Attempts per API call, the first included, for 429, 5xx, network errors and timeouts. Default 4. */
  maxAttempts?: number;
  /** First backoff delay, doubling per attempt with jitter; a Retry-After header wins. Default 500 ms. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Deadline for each API call, access token included. Default 20 s. */
  timeoutMs?: number;
  /** Deadline for reading one spreadsheet (every call, retry and wait). Default 2 minutes. */
  deadlineMs?: number;
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
  /** Timeouts, retries and the call counter of every Sheets API call (`policy.calls`). */
  readonly policy: HttpPolicy;
  private readonly client: sheets_v4.Sheets;
  private readonly auth: SheetsAuth;

  constructor(private readonly options: GoogleSheetsSourceOptions = {}) {
    this.auth =
      options.auth ??
      (options.credentialsFile !== undefined
        ? googleAuthFromFile(options.credentialsFile, [SHEETS_READONLY_SCOPE])
        : new GoogleAuth({ scopes: [SHEETS_READONLY_SCOPE] }));
    const rootUrl = (options.apiUrl ?? DEFAULT_API_URL).replace(/\/*$/, '/');
    this.client = sheets({ version: 'v4', auth: this.auth, rootUrl });
    this.policy =
      options.policy ??
      new HttpPolicy({
        system: SYSTEM,
        maxAttempts: options.maxAttempts ?? 4,
        baseDelayMs: options.baseDelayMs ?? 500,
        maxDelayMs: options.maxDelayMs ?? 30_000,
        timeoutMs: options.timeoutMs ?? 20_000,
        deadlineMs: options.deadlineMs,
        sleep: options.sleep,
      });
  }

  /** Sheets API requests sent, retries included (for benchmarks). */
  get calls(): number {
    return this.policy.calls;
  }

  async read(spreadsheetId: string): Promise<RawWorkbook> {
    assertSpreadsheetId(spreadsheetId);
    const operation = this.policy.startOperation();
    try {
      try {
        return await this.batchGet(
          spreadsheetId,
          Object.fromEntries(WORKSHEETS.map((name) => [name, name])),
          operation,
        );
      } catch (error) {
        if (!isMissingRange(error)) throw error;
      }
      const titles = matchWorksheetTitles(await this.worksheetTitles(spreadsheetId, operation));
      if (Object.keys(titles).length === 0) return { worksheets: {} };
      try {
        return await this.batchGet(spreadsheetId, titles, operation);
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
        unreadableReason(failure, { timeoutMs: this.policy.timeoutMs, shareWith }),
        kind,
        { status: failure.status, cause: failure.cause },
      );
    }
  }

  /** One batchGet for the given worksheets (canonical name -> title in the spreadsheet). */
  private async batchGet(
    spreadsheetId: string,
    titles: Partial<Record<WorksheetName, string>>,
    operation: OperationClock,
  ): Promise<RawWorkbook> {
    const names = WORKSHEETS.filter((name) => titles[name] !== undefined);
    const ranges = names.map((name) => a1Title(titles[name] ?? name));
    const response = await this.call(spreadsheetId, operation, (signal, timeout) =>
      this.client.spreadsheets.values.batchGet(
        { spreadsheetId, ranges, majorDimension: 'ROWS', valueRenderOption: 'FORMATTED_VALUE' },
        { retry: false, signal, timeout },
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

  private async worksheetTitles(spreadsheetId: string, operation: OperationClock): Promise<string[]> {
    const response = await this.call(spreadsheetId, operation, (signal, timeout) =>
      this.client.spreadsheets.get(
        { spreadsheetId, fields: 'sheets.properties.title' },
        { retry: false, signal, timeout },
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

  /**
   * Runs one API call under the HTTP policy (a timeout per attempt that also covers fetching the
   * access token, the read's deadline, retries of 429, 5xx, network errors and timeouts with backoff
   * that honours Retry-After); the Google client does the HTTP, its own retry off. Throws CallFailed.
   */
  private async call<T>(
    spreadsheetId: string,
    operation: OperationClock,
    request: (signal: AbortSignal, timeoutMs: number) => Promise<T>,
  ): Promise<T> {
    let attempts = 0;
    try {
      return await this.policy.run(
        ({ attempt, signal, timeoutMs }) => {
          attempts = attempt;
          return request(signal, timeoutMs);
        },
        {
          // Reads: repeating them is harmless.
          repeatable: true,
          operation,
          describe: (error) => {
            const failure = this.classify(error, attempts);
            return {
              status: failure.status,
              retryAfter: failure.retryAfter,
              // Credentials that cannot be loaded stay so; the rest may pass.
              transient: failure.kind !== 'credentials',
            };
          },
          onRetry: (info) => this.options.onRetry?.({ spreadsheetId, ...info }),
        },
      );
    } catch (error) {
      throw new CallFailed(this.classify(error, attempts));
    }
  }

  private classify(error: unknown, attempts: number): CallFailure {
    if (error instanceof AttemptTimeoutError)
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
      return await withAttemptTimeout(SYSTEM, this.policy.timeoutMs, async () => {
        const client = await auth.getClient();
        if (client instanceof JWT && client.email !== undefined) return client.email;
        return (await auth.getCredentials()).client_email ?? undefined;
      });
    } catch {
      return undefined;
    }
  }
}

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
