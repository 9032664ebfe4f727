import express, { type Express, type Request, type Response } from 'express';
import { z } from 'zod';
import {
  type FaultRule,
  parseSeedJson,
  Simulator,
  type SimulatorBaseOptions,
  SimulatorControl,
} from '../common/simulator.js';
import { listXlsxFiles, readXlsxWorksheets } from './xlsx-cells.js';

const GOOGLE_STATUS: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  502: 'UNAVAILABLE',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

const DEFAULT_MESSAGES: Record<number, string> = {
  401:
    'Request is missing required authentication credential. Expected OAuth 2 access token, login cookie ' +
    'or other valid authentication credential.',
  403: 'The caller does not have permission',
  404: 'Requested entity was not found.',
  429:
    "Quota exceeded for quota metric 'Read requests' and limit 'Read requests per minute per user' of " +
    "service 'sheets.googleapis.com' for consumer 'project_number:0'.",
  500: 'Internal error encountered.',
  503: 'The service is currently unavailable.',
};

/** Google's JSON error body: `{ error: { code, message, status } }`. */
export function googleErrorBody(code: number, message?: string) {
  return {
    error: {
      code,
      message: message ?? DEFAULT_MESSAGES[code] ?? 'Error',
      status: GOOGLE_STATUS[code] ?? (code >= 500 ? 'INTERNAL' : 'FAILED_PRECONDITION'),
    },
  };
}

/** Faults injected into this simulator (in-process or via POST /_sim/faults) answer with Google's error body. */
class SheetsSimulatorControl extends SimulatorControl {
  override addFault(rule: FaultRule): void {
    super.addFault({ ...rule, body: rule.body ?? googleErrorBody(rule.status) });
  }
}

/** Seed data: spreadsheet id -> worksheet title -> rows of cells, worksheets in tab order. */
export type SheetsSeed = Record<string, Record<string, string[][]>>;

const seedSchema = z.record(
  z.string().regex(/^[A-Za-z0-9_-]+$/, 'a spreadsheet id (letters, digits, - and _)'),
  z.record(z.string().min(1), z.array(z.array(z.string()))),
);

interface StoredSpreadsheet {
  title: string;
  /** In tab order. */
  worksheets: { title: string; rows: string[][] }[];
  forbidden: boolean;
}

/** A requested range resolved against a worksheet: 0-based inclusive bounds, ends open when omitted. */
interface ResolvedRange {
  worksheet: { title: string; rows: string[][] };
  firstRow: number;
  lastRow: number;
  firstColumn: number;
  lastColumn: number;
}

const DEFAULT_GRID_ROWS = 1000;
const DEFAULT_GRID_COLUMNS = 26;

/**
 * Google Sheets API v4 stand-in for what covid-pool uses: `values:batchGet`, spreadsheet metadata and
 * an STS-style `/token` endpoint (for an `external_account` credential file, see local-credentials.ts).
 * Speaks the real wire format: ranges in A1 notation, trailing empty cells and rows left out, `values`
 * absent for an empty range, and Google's error bodies for 400/401/403/404/429.
 */
export class SheetsSimulator extends Simulator<SheetsSeed> {
  private readonly spreadsheets = new Map<string, StoredSpreadsheet>();

  constructor(options: SimulatorBaseOptions = {}) {
    super('sheets', { ...options, control: new SheetsSimulatorControl() });
  }

  /** Replaces every spreadsheet with these (none forbidden). */
  seed(spreadsheets: SheetsSeed): void {
    this.spreadsheets.clear();
    for (const [id, worksheets] of Object.entries(spreadsheets)) this.setSpreadsheet(id, worksheets);
  }

  parseSeed(json: unknown): SheetsSeed {
    return parseSeedJson(seedSchema, json, 'Sheets simulator');
  }

  /** Adds or replaces a spreadsheet; worksheets in the object's key order are its tabs. */
  setSpreadsheet(
    id: string,
    worksheets: Record<string, string[][]>,
    options: { forbidden?: boolean } = {},
  ): void {
    this.spreadsheets.set(id, {
      title: id,
      worksheets: Object.entries(worksheets).map(([title, rows]) => ({
        title,
        rows: rows.map((row) => [...row]),
      })),
      forbidden: options.forbidden ?? false,
    });
  }

  removeSpreadsheet(id: string): void {
    this.spreadsheets.delete(id);
  }

  /** Loads every `<id>.xlsx` in `dir` as spreadsheet `<id>`; returns the ids loaded. */
  async loadXlsxDir(dir: string): Promise<string[]> {
    const seed = await readXlsxSeed(dir);
    for (const [id, worksheets] of Object.entries(seed)) this.setSpreadsheet(id, worksheets);
    return Object.keys(seed);
  }

  protected routes(app: Express): void {
    app.post('/token', express.urlencoded({ extended: false }), (req: Request, res: Response) => {
      this.token(req, res);
    });
    app.get(/^\/v4\/spreadsheets\/([^/]+)\/values:batchGet$/, (req: Request, res: Response) => {
      this.withSpreadsheet(req, res, (id, spreadsheet) => this.batchGet(id, spreadsheet, req, res));
    });
    app.get(/^\/v4\/spreadsheets\/([^/:]+)$/, (req: Request, res: Response) => {
      this.withSpreadsheet(req, res, (id, spreadsheet) => this.metadata(id, spreadsheet, req, res));
    });
    app.use((_req: Request, res: Response) => {
      res.status(404).json(googleErrorBody(404));
    });
  }

  /** STS token exchange, as an external_account credential performs it: any subject token is accepted. */
  private token(req: Request, res: Response): void {
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (typeof body['subject_token'] !== 'string' || body['subject_token'] === '') {
      res.status(400).json({ error: 'invalid_request', error_description: 'subject_token is required' });
      return;
    }
    res.json({
      access_token: `sim-${Date.now().toString(36)}`,
      issued_token_type: 'urn:ietf:params:oauth:token-type:access_token',
      token_type: 'Bearer',
      expires_in: 3600,
    });
  }

  private withSpreadsheet(
    req: Request,
    res: Response,
    handle: (id: string, spreadsheet: StoredSpreadsheet) => void,
  ): void {
    if (!/^Bearer \S+/.test(req.get('authorization') ?? '')) {
      res.status(401).json(googleErrorBody(401));
      return;
    }
    const id = decodeURIComponent((req.params as Record<string, string>)['0'] ?? '');
    const spreadsheet = this.spreadsheets.get(id);
    if (spreadsheet === undefined) {
      res.status(404).json(googleErrorBody(404));
      return;
    }
    if (spreadsheet.forbidden) {
      res.status(403).json(googleErrorBody(403));
      return;
    }
    handle(id, spreadsheet);
  }

  private batchGet(id: string, spreadsheet: StoredSpreadsheet, req: Request, res: Response): void {
    const requested = queryList(req.query['ranges']);
    const majorDimension = req.query['majorDimension'] === 'COLUMNS' ? 'COLUMNS' : 'ROWS';
    const resolved: ResolvedRange[] = [];
    for (const range of requested) {
      const match = resolveRange(spreadsheet, range);
      if (match === null) {
        res.status(400).json(googleErrorBody(400, `Unable to parse range: ${range}`));
        return;
      }
      resolved.push(match);
    }
    if (resolved.length === 0) {
      res.json({ spreadsheetId: id });
      return;
    }
    res.json({ spreadsheetId: id, valueRanges: resolved.map((range) => valueRange(range, majorDimension)) });
  }

  private metadata(id: string, spreadsheet: StoredSpreadsheet, req: Request, res: Response): void {
    const full = {
      spreadsheetId: id,
      properties: { title: spreadsheet.title, locale: 'en_GB', timeZone: 'Europe/London' },
      sheets: spreadsheet.worksheets.map((worksheet, index) => ({
        properties: {
          sheetId: index,
          title: worksheet.title,
          index,
          sheetType: 'GRID',
          gridProperties: { rowCount: gridRows(worksheet.rows), columnCount: gridColumns(worksheet.rows) },
        },
      })),
      spreadsheetUrl: `https://docs.google.com/spreadsheets/d/${id}/edit`,
    };
    const fields = typeof req.query['fields'] === 'string' ? req.query['fields'] : '';
    res.json(fields === '' ? full : pickFields(full, fields));
  }
}

/** Every `<id>.xlsx` in `dir` as seed data (spreadsheet `<id>`). */
export async function readXlsxSeed(dir: string): Promise<SheetsSeed> {
  const seed: SheetsSeed = {};
  for (const [id, file] of await listXlsxFiles(dir)) seed[id] = await readXlsxWorksheets(file);
  return seed;
}

function queryList(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === 'string');
  return [];
}

/** `Title`, `Title!A1:Z`, `'My title'!B2`, or `A1:B2` alone (the first worksheet); null when it does not parse. */
export function resolveRange(
  spreadsheet: { worksheets: { title: string; rows: string[][] }[] },
  range: string,
): ResolvedRange | null {
  let title: string;
  let cells: string | undefined;
  const quoted = /^'((?:[^']|'')+)'(?:!(.*))?$/.exec(range);
  if (quoted !== null) {
    title = (quoted[1] ?? '').replaceAll("''", "'");
    cells = quoted[2];
  } else if (range.includes('!')) {
    title = range.slice(0, range.lastIndexOf('!'));
    cells = range.slice(range.lastIndexOf('!') + 1);
  } else {
    title = range;
  }
  let worksheet = spreadsheet.worksheets.find((candidate) => candidate.title === title);
  if (worksheet === undefined && quoted === null && cells === undefined && parseA1(range) !== null) {
    worksheet = spreadsheet.worksheets[0];
    cells = range;
  }
  if (worksheet === undefined) return null;
  const box =
    cells === undefined
      ? { firstRow: 0, lastRow: Infinity, firstColumn: 0, lastColumn: Infinity }
      : parseA1(cells);
  if (box === null) return null;
  return {
    worksheet,
    firstRow: box.firstRow,
    lastRow: Math.min(box.lastRow, gridRows(worksheet.rows) - 1),
    firstColumn: box.firstColumn,
    lastColumn: Math.min(box.lastColumn, gridColumns(worksheet.rows) - 1),
  };
}

function parseA1(
  text: string,
): { firstRow: number; lastRow: number; firstColumn: number; lastColumn: number } | null {
  const match = /^([A-Za-z]*)(\d*)(?::([A-Za-z]*)(\d*))?$/.exec(text);
  if (match === null || text === '') return null;
  const [, startColumn = '', startRow = '', endColumn, endRow] = match;
  if (startColumn === '' && startRow === '') return null;
  const single = endColumn === undefined && endRow === undefined;
  const firstColumn = startColumn === '' ? 0 : columnIndex(startColumn);
  const firstRow = startRow === '' ? 0 : Number(startRow) - 1;
  // A single cell needs both parts: 'B2' is a cell, while 'Contacts' is a (missing) worksheet title.
  if (single)
    return startColumn === '' || startRow === ''
      ? null
      : { firstRow, lastRow: firstRow, firstColumn, lastColumn: firstColumn };
  return {
    firstRow,
    lastRow: endRow === undefined || endRow === '' ? Infinity : Number(endRow) - 1,
    firstColumn,
    lastColumn: endColumn === undefined || endColumn === '' ? Infinity : columnIndex(endColumn),
  };
}

function columnIndex(letters: string): number {
  return [...letters.toUpperCase()].reduce((index, letter) => index * 26 + letter.charCodeAt(0) - 64, 0) - 1;
}

function columnLetters(index: number): string {
  let letters = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26))
    letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
  return letters;
}

function gridRows(rows: string[][]): number {
  return Math.max(DEFAULT_GRID_ROWS, rows.length);
}

function gridColumns(rows: string[][]): number {
  return Math.max(DEFAULT_GRID_COLUMNS, ...rows.map((row) => row.length));
}

function quoteTitle(title: string): string {
  return /^[A-Za-z0-9_]+$/.test(title) ? title : `'${title.replaceAll("'", "''")}'`;
}

/** The answer for one range: the whole requested range is named, but trailing empty cells and rows are left out. */
function valueRange(range: ResolvedRange, majorDimension: 'ROWS' | 'COLUMNS') {
  const { worksheet, firstRow, lastRow, firstColumn, lastColumn } = range;
  const name = `${quoteTitle(worksheet.title)}!${columnLetters(firstColumn)}${firstRow + 1}:${columnLetters(lastColumn)}${lastRow + 1}`;
  let values: string[][] = [];
  for (let row = firstRow; row <= lastRow && row < worksheet.rows.length; row++) {
    values.push(rowCells(worksheet.rows[row] ?? [], firstColumn, lastColumn));
  }
  if (majorDimension === 'COLUMNS') values = transpose(values).map(withoutTrailingBlanks);
  while (values.length > 0 && (values[values.length - 1] ?? []).length === 0) values.pop();
  return values.length === 0 ? { range: name, majorDimension } : { range: name, majorDimension, values };
}

/** A row's cells from `firstColumn` to `lastColumn`, holes as '', trailing empty cells left out: one copy. */
function rowCells(row: readonly (string | undefined)[], firstColumn: number, lastColumn: number): string[] {
  let end = Math.min(row.length, lastColumn + 1);
  while (end > firstColumn && (row[end - 1] ?? '') === '') end--;
  const cells: string[] = [];
  for (let column = firstColumn; column < end; column++) cells.push(row[column] ?? '');
  return cells;
}

function withoutTrailingBlanks(cells: string[]): string[] {
  const copy = [...cells];
  while (copy.length > 0 && copy[copy.length - 1] === '') copy.pop();
  return copy;
}

function transpose(rows: string[][]): string[][] {
  const width = Math.max(0, ...rows.map((row) => row.length));
  return Array.from({ length: width }, (_, column) => rows.map((row) => row[column] ?? ''));
}

/** A loose reading of Google's `fields` mask: comma-separated dotted paths (`sheets.properties.title`). */
function pickFields(value: unknown, fields: string): unknown {
  if (/[()]/.test(fields)) return value;
  const paths = fields.split(',').map((field) => field.trim().split('.').filter(Boolean));
  return pick(
    value,
    paths.filter((path) => path.length > 0),
  );
}

function pick(value: unknown, paths: string[][]): unknown {
  if (paths.some((path) => path.length === 0)) return value;
  if (Array.isArray(value)) return value.map((item) => pick(item, paths));
  if (typeof value !== 'object' || value === null) return value;
  const result: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    const below = paths.filter((path) => path[0] === key).map((path) => path.slice(1));
    if (below.length > 0) result[key] = pick(child, below);
  }
  return result;
}
