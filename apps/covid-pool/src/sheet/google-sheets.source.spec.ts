import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { type GoogleAuth } from 'google-auth-library';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type RunningSimulator } from '../../../../simulators/common/simulator.js';
import { writeExternalAccountCredentials } from '../../../../simulators/sheets/local-credentials.js';
import { SheetsSimulator } from '../../../../simulators/sheets/sheets.simulator.js';
import { googleAuthFromFile } from './google-credentials.js';
import {
  GoogleSheetsSource,
  type GoogleSheetsSourceOptions,
  SHEETS_READONLY_SCOPE,
} from './google-sheets.source.js';
import { SheetUnreadableError } from './sheet-source.js';
import { validateCollegeSheet } from './validate-sheet.util.js';
import { XlsxFileSource } from './xlsx-file.source.js';

const DEMO_DIR = fileURLToPath(new URL('../../../../data/sheets', import.meta.url));
const BATCH_GET = /\/values:batchGet$/;
const METADATA = /^\/v4\/spreadsheets\/[^/]+$/;

const POOLS = [
  ['Pool', 'Description', 'Collection day'],
  ['Alpha', '', ''],
  ['Beta', 'Second floor', 'friday'],
];
const HOUSEHOLDS = [
  ['Household', 'Pool', 'Student 1', 'Student 2', 'Student 3'],
  ['A1', 'Alpha', 'ab123', '', ''],
  ['B1', 'Beta', 'cd45', 'EF6', ''],
];
const CONTACTS = [
  ['Name', 'Email'],
  ['Jo', 'jo@cam.ac.uk'],
];

describe('GoogleSheetsSource against the Sheets simulator', () => {
  const simulator = new SheetsSimulator();
  let running: RunningSimulator;
  let credentialsDir: string;
  let keyFilename: string;
  let auth: GoogleAuth;
  let delays: number[];

  beforeAll(async () => {
    running = await simulator.start();
    credentialsDir = await mkdtemp(path.join(tmpdir(), 'sheets-credentials-'));
    keyFilename = await writeExternalAccountCredentials(credentialsDir, running.url);
    auth = googleAuthFromFile(keyFilename, [SHEETS_READONLY_SCOPE]);
  });
  afterAll(async () => {
    await running.close();
    await rm(credentialsDir, { recursive: true, force: true });
  });
  beforeEach(() => {
    simulator.control.reset();
    delays = [];
    simulator.setSpreadsheet('college', {
      Pools: POOLS,
      Households: HOUSEHOLDS,
      Contacts: CONTACTS,
      Notes: [['x']],
    });
  });

  const source = (options: GoogleSheetsSourceOptions = {}) =>
    new GoogleSheetsSource({
      apiUrl: running.url,
      auth,
      maxAttempts: 3,
      baseDelayMs: 1,
      sleep: (ms) => {
        delays.push(ms);
        return Promise.resolve();
      },
      ...options,
    });
  const sheetCalls = () =>
    simulator.control.calls
      .filter((call) => call.path !== '/token')
      .map((call) => `${call.status} ${call.path}`);
  const failure = (promise: Promise<unknown>) =>
    promise.then(
      () => {
        throw new Error('expected the read to fail');
      },
      (error: unknown) => {
        expect(error).toBeInstanceOf(SheetUnreadableError);
        return error as SheetUnreadableError;
      },
    );

  it('reads the three worksheets with one batchGet call, trailing empty cells left out', async () => {
    const raw = await source().read('college');
    expect(raw.worksheets).toEqual({
      Pools: [['Pool', 'Description', 'Collection day'], ['Alpha'], ['Beta', 'Second floor', 'friday']],
      Households: [
        ['Household', 'Pool', 'Student 1', 'Student 2', 'Student 3'],
        ['A1', 'Alpha', 'ab123'],
        ['B1', 'Beta', 'cd45', 'EF6'],
      ],
      Contacts: CONTACTS,
    });
    expect(simulator.control.callCount({ path: BATCH_GET })).toBe(1);
    expect(simulator.control.callCount({ path: METADATA })).toBe(0);
  });

  it('gives validation rows it can use although trailing cells are missing', async () => {
    const result = validateCollegeSheet(await source().read('college'), { maxPoolSize: 10 });
    expect(result.findings).toEqual([]);
    expect(result.sheet.pools).toEqual([
      {
        id: 'Alpha',
        description: null,
        collectionDay: null,
        households: [{ id: 'A1', students: ['ab123'] }],
      },
      {
        id: 'Beta',
        description: 'Second floor',
        collectionDay: 'Friday',
        households: [{ id: 'B1', students: ['cd45', 'ef6'] }],
      },
    ]);
  });

  it('reads the worksheets that exist when one is missing, so validation can report it', async () => {
    simulator.setSpreadsheet('college', { Notes: [], Households: HOUSEHOLDS, Pools: POOLS });
    const raw = await source().read('college');
    expect(raw.worksheets.Contacts).toBeUndefined();
    expect(raw.worksheets.Households?.[0]).toEqual(HOUSEHOLDS[0]);
    expect(sheetCalls()).toEqual([
      '400 /v4/spreadsheets/college/values:batchGet',
      '200 /v4/spreadsheets/college',
      '200 /v4/spreadsheets/college/values:batchGet',
    ]);
    const result = validateCollegeSheet(raw, { maxPoolSize: 10 });
    expect(result.findings.map((f) => [f.worksheet, f.row, f.column, f.code])).toEqual([
      ['Contacts', null, null, 'missing_worksheet'],
    ]);
  });

  it('finds worksheets whose titles differ in case or spacing', async () => {
    simulator.setSpreadsheet('college', {
      ' pools': POOLS,
      HOUSEHOLDS: HOUSEHOLDS,
      "Contacts (don't delete)": [],
      contacts: CONTACTS,
    });
    const raw = await source().read('college');
    expect(raw.worksheets).toEqual({
      Pools: expect.any(Array),
      Households: expect.any(Array),
      Contacts: CONTACTS,
    });
    expect(validateCollegeSheet(raw, { maxPoolSize: 10 }).hasErrors).toBe(false);
  });

  it('returns no worksheets when the spreadsheet has none of them', async () => {
    simulator.setSpreadsheet('college', { Sheet1: [['hello']] });
    expect(await source().read('college')).toEqual({ worksheets: {} });
    expect(simulator.control.callCount({ path: BATCH_GET })).toBe(1);
  });

  it('says a spreadsheet that does not exist does not exist, without retrying', async () => {
    const error = await failure(source().read('unknown-sheet'));
    expect(error).toMatchObject({ spreadsheetId: 'unknown-sheet', status: 404, kind: 'not_found' });
    expect(error.mustAct).toBe('college');
    expect(error.reason).toBe('the spreadsheet does not exist; check the spreadsheet id');
    expect(simulator.control.callCount({ path: BATCH_GET })).toBe(1);
  });

  it('says whom to share the sheet with when the service account has no access', async () => {
    simulator.setSpreadsheet('college', { Pools: POOLS }, { forbidden: true });
    const error = await failure(
      source({ serviceAccountEmail: 'covid-pool@example.iam.gserviceaccount.com' }).read('college'),
    );
    expect(error.status).toBe(403);
    expect(error).toMatchObject({ kind: 'no_access', mustAct: 'college' });
    expect(error.reason).toBe(
      'the service account has no access to the spreadsheet; share it (Viewer is enough) with ' +
        'covid-pool@example.iam.gserviceaccount.com',
    );
    expect(error.message).toBe(`Spreadsheet college could not be read: ${error.reason}`);
    const anonymous = await failure(source().read('college'));
    expect(anonymous.reason).toMatch(/^the service account has no access to the spreadsheet; share it/);
    expect(simulator.control.callCount({ path: BATCH_GET })).toBe(2);
  });

  it('tells a 403 about our project (Sheets API disabled) from a sheet that is not shared', async () => {
    const message =
      'Google Sheets API has not been used in project 123 before or it is disabled. Enable it and retry.';
    simulator.control.addFault({
      path: BATCH_GET,
      status: 403,
      body: {
        error: {
          code: 403,
          message,
          status: 'PERMISSION_DENIED',
          details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'SERVICE_DISABLED' }],
        },
      },
    });
    const error = await failure(source().read('college'));
    expect(error).toMatchObject({ status: 403, kind: 'credentials', mustAct: 'us' });
    expect(error.reason).toBe(`Google Sheets refused the service account (HTTP 403): ${message}`);
  });

  it('waits as Retry-After says on 429 and then succeeds', async () => {
    simulator.control.addFault({ path: BATCH_GET, status: 429, times: 2, retryAfterSeconds: 3 });
    const raw = await source().read('college');
    expect(raw.worksheets.Contacts).toEqual(CONTACTS);
    expect(delays).toEqual([3000, 3000]);
    expect(simulator.control.callCount({ path: BATCH_GET })).toBe(3);
  });

  it('gives up with a clear reason when Google Sheets keeps answering 429', async () => {
    simulator.control.addFault({ path: BATCH_GET, status: 429, retryAfterSeconds: 1 });
    const error = await failure(source().read('college'));
    expect(error.status).toBe(429);
    expect(error).toMatchObject({ kind: 'rate_limited', mustAct: 'us' });
    expect(error.reason).toBe('Google Sheets kept answering 429 (too many requests) after 3 attempts');
    expect(simulator.control.callCount({ path: BATCH_GET })).toBe(3);
    expect(delays).toEqual([1000, 1000]);
  });

  it('retries 503 with backoff', async () => {
    simulator.control.addFault({ path: BATCH_GET, status: 503, times: 1 });
    await source().read('college');
    expect(simulator.control.callCount({ path: BATCH_GET })).toBe(2);
    expect(delays).toHaveLength(1);
  });

  it('gives up after maxAttempts server errors', async () => {
    simulator.control.addFault({ path: BATCH_GET, status: 500 });
    const error = await failure(source({ maxAttempts: 4 }).read('college'));
    expect(error.reason).toBe('Google Sheets kept failing with HTTP 500 after 4 attempts');
    expect(error).toMatchObject({ kind: 'unavailable', mustAct: 'us' });
    expect(simulator.control.callCount({ path: BATCH_GET })).toBe(4);
  });

  it('retries the worksheet listing too', async () => {
    simulator.setSpreadsheet('college', { Pools: POOLS, Households: HOUSEHOLDS });
    simulator.control.addFault({ method: 'GET', path: METADATA, status: 503, times: 1 });
    const raw = await source().read('college');
    expect(Object.keys(raw.worksheets)).toEqual(['Pools', 'Households']);
    expect(sheetCalls()).toEqual([
      '400 /v4/spreadsheets/college/values:batchGet',
      '503 /v4/spreadsheets/college',
      '200 /v4/spreadsheets/college',
      '200 /v4/spreadsheets/college/values:batchGet',
    ]);
  });

  it('says when the service account cannot get an access token', async () => {
    const freshAuth = googleAuthFromFile(keyFilename, [SHEETS_READONLY_SCOPE]);
    // A refusal, as from a misconfigured workload identity pool (google-auth-library itself retries 5xx here).
    simulator.control.addFault({ method: 'POST', path: '/token', status: 401 });
    const error = await failure(source({ auth: freshAuth }).read('college'));
    expect(error.reason).toBe('the service account could not get an access token (HTTP 401) after 1 attempt');
    expect(error).toMatchObject({ kind: 'credentials', mustAct: 'us' });
    expect(simulator.control.callCount({ path: '/token' })).toBe(1);
    expect(simulator.control.callCount({ path: BATCH_GET })).toBe(0);
  });

  it('retries when Google Sheets cannot be reached, then says so', async () => {
    const closed = await new SheetsSimulator().start();
    await closed.close();
    const error = await failure(source({ apiUrl: closed.url }).read('college'));
    expect(error.status).toBeUndefined();
    expect(error.reason).toMatch(/^Google Sheets could not be reached after 3 attempts/);
    expect(error).toMatchObject({ kind: 'network', mustAct: 'us' });
    expect(delays).toHaveLength(2);
  });

  it('puts a deadline on every call', async () => {
    simulator.control.latencyMs = 400;
    const error = await failure(source({ timeoutMs: 50, maxAttempts: 2 }).read('college'));
    expect(error.reason).toBe('Google Sheets did not answer within 0.05 seconds, after 2 attempts');
    expect(error).toMatchObject({ kind: 'timeout', mustAct: 'us' });
  });

  it('refuses a spreadsheet id that is not one, without calling Google', async () => {
    const error = await failure(source().read('../college'));
    expect(error.reason).toContain('not valid');
    expect(error).toMatchObject({ kind: 'invalid_id', mustAct: 'college' });
    expect(simulator.control.calls).toEqual([]);
  });

  it('reads the demo workbooks exactly as the local XLSX source does', async () => {
    const ids = await simulator.loadXlsxDir(DEMO_DIR);
    const local = new XlsxFileSource(DEMO_DIR);
    for (const id of ids) {
      expect(await source().read(id)).toEqual(await local.read(id));
    }
  });
});
