import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { GoogleAuth } from 'google-auth-library';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type RunningSimulator } from '../../../../simulators/common/simulator.js';
import { writeExternalAccountCredentials } from '../../../../simulators/sheets/local-credentials.js';
import { SheetsSimulator } from '../../../../simulators/sheets/sheets.simulator.js';
import { googleAuthFromFile } from './google-credentials.js';
import { GoogleSheetsSource, SHEETS_READONLY_SCOPE } from './google-sheets.source.js';

/**
 * google-auth-library 11 prints deprecation and security warnings (console.warn) for its old
 * constructors, and Node prints `(node:...) [DEP...]` warnings (process 'warning' events). A read
 * through the Sheets source, built as the app builds it, must print neither.
 */
describe('GoogleSheetsSource start-up and first read print no warnings', () => {
  const simulator = new SheetsSimulator();
  let running: RunningSimulator;
  let dir: string;
  let keyFilename: string;
  let printed: string[];
  const onWarning = (warning: Error) => printed.push(`process warning: ${warning.name}: ${warning.message}`);

  beforeAll(async () => {
    running = await simulator.start();
    dir = await mkdtemp(path.join(tmpdir(), 'sheets-warnings-'));
    keyFilename = await writeExternalAccountCredentials(dir, running.url);
  });
  afterAll(async () => {
    await running.close();
    await rm(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    simulator.control.reset();
    simulator.setSpreadsheet('college', { Pools: [['Pool'], ['A']], Households: [], Contacts: [] });
    printed = [];
    for (const method of ['warn', 'error', 'log', 'info'] as const) {
      jest.spyOn(console, method).mockImplementation((...args: unknown[]) => {
        printed.push(`console.${method}: ${args.map(String).join(' ')}`);
      });
    }
    process.on('warning', onWarning);
    // Warnings that libraries raise with process.emitWarning (Node prints them as `(node:...) Warning`).
    jest.spyOn(process, 'emitWarning').mockImplementation((warning: string | Error, ...rest: unknown[]) => {
      const type =
        typeof rest[0] === 'string'
          ? rest[0]
          : ((rest[0] as { type?: string } | undefined)?.type ?? 'Warning');
      printed.push(`process warning: ${type}: ${typeof warning === 'string' ? warning : warning.message}`);
    });
  });
  afterEach(() => {
    process.off('warning', onWarning);
    jest.restoreAllMocks();
  });

  /** Lets process 'warning' events (emitted on the next tick) arrive. */
  const settle = () => new Promise((resolve) => setImmediate(resolve));

  it('notices a warning when there is one (the capture works)', async () => {
    new GoogleAuth({ keyFilename, scopes: [SHEETS_READONLY_SCOPE] });
    process.emitWarning('a test warning', 'DeprecationWarning');
    await settle();
    expect(printed).toEqual([
      expect.stringContaining('The `keyFilename` option is deprecated'),
      'process warning: DeprecationWarning: a test warning',
    ]);
  });

  it('with application default credentials, as the app runs in production', async () => {
    const previous = process.env['GOOGLE_APPLICATION_CREDENTIALS'];
    process.env['GOOGLE_APPLICATION_CREDENTIALS'] = keyFilename;
    try {
      const source = new GoogleSheetsSource({ apiUrl: running.url });
      const raw = await source.read('college');
      expect(raw.worksheets.Pools).toEqual([['Pool'], ['A']]);
      expect(source.calls).toBe(1);
    } finally {
      if (previous === undefined) delete process.env['GOOGLE_APPLICATION_CREDENTIALS'];
      else process.env['GOOGLE_APPLICATION_CREDENTIALS'] = previous;
    }
    await settle();
    expect(printed).toEqual([]);
    expect(simulator.control.callCount({ path: '/token' })).toBe(1);
  });

  it('with a credentials file given to the app (tests, local runs, benchmarks)', async () => {
    const source = new GoogleSheetsSource({
      apiUrl: running.url,
      auth: googleAuthFromFile(keyFilename, [SHEETS_READONLY_SCOPE]),
    });
    await source.read('college');
    await source.read('college');
    await settle();
    expect(printed).toEqual([]);
    expect(source.calls).toBe(2);
  });
});

describe('googleAuthFromFile', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'sheets-credentials-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it.each<[string, string, RegExp]>([
    ['not JSON', 'not json {', /could not be read as JSON/],
    [
      'an unknown type',
      '{"type":"authorized_user"}',
      /neither a service account key nor an external_account/,
    ],
    [
      'a service account key without its key',
      '{"type":"service_account","client_email":"a@b.c"}',
      /private_key/,
    ],
    [
      'an AWS workload identity source',
      '{"type":"external_account","audience":"a","subject_token_type":"t","credential_source":{"environment_id":"aws1"}}',
      /credential_source/,
    ],
  ])('refuses %s, naming what is wrong and not the content', async (_name, content, expected) => {
    const file = path.join(dir, `${_name.replaceAll(' ', '-')}.json`);
    const { writeFile } = await import('node:fs/promises');
    await writeFile(file, content);
    expect(() => googleAuthFromFile(file, [SHEETS_READONLY_SCOPE])).toThrow(expected);
  });

  it('refuses a file that does not exist', () => {
    expect(() => googleAuthFromFile(path.join(dir, 'missing.json'), [SHEETS_READONLY_SCOPE])).toThrow(
      /could not be read/,
    );
  });
});
